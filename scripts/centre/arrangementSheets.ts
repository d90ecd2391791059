import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrangementCode } from '@exam/centre';
import type { ExamData } from '@exam/protocol';
import QRCode from 'qrcode';

/**
 * The arrangement codes the centre prints on each room's data sheet and its tickets
 * (考场数据扫码校验): `arrangement/<roomId>.svg`, a QR code with the code under it, and
 * `arrangement/codes.txt`, one `roomId<TAB>code` line per room. The site admin scans them on
 * the admin page to prove the site holds the same arrangement.
 */
export function writeArrangementCodes(
  out: string,
  exam: Pick<ExamData, 'examId' | 'site' | 'arrangementTimestamp' | 'candidates' | 'rooms'>,
): { dir: string; codes: Map<string, string> } {
  const dir = join(out, 'arrangement');
  mkdirSync(dir, { recursive: true });
  const codes = new Map(exam.rooms.map((r) => [r.roomId, arrangementCode(exam, r.roomId)]));
  for (const [roomId, code] of codes) writeFileSync(join(dir, `${roomId}.svg`), qrSvg(code));
  writeFileSync(join(dir, 'codes.txt'), [...codes].map(([roomId, code]) => `${roomId}\t${code}\n`).join(''));
  return { dir, codes };
}

/** Quiet zone around the symbol, in modules (the QR standard asks for four). */
const QUIET = 4;
const MODULE_PX = 4;
const CAPTION_PX = 28;

/**
 * A QR code as SVG, one path of dark modules, with the code as text under it so a sheet can
 * be checked by eye or typed when a scanner fails. Medium error correction: sheets get folded.
 */
export function qrSvg(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let path = '';
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) if (modules.get(y, x)) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
  const side = (n + 2 * QUIET) * MODULE_PX;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(side, 560)}" height="${side + CAPTION_PX}" ` +
    `viewBox="0 0 ${Math.max(side, 560)} ${side + CAPTION_PX}">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<g transform="scale(${MODULE_PX})"><path d="${path}" fill="#000"/></g>` +
    `<text x="4" y="${side + 18}" font-family="monospace" font-size="10">${escaped}</text></svg>\n`
  );
}
