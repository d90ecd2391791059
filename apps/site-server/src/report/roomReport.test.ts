import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '../testing/index.js';
import { findCjkFont, MissingCjkFontError } from './cjkFont.js';

const MIN = 60_000;
const SITTING = 'S-J-ECON';
const dir = mkdtempSync(join(tmpdir(), 'room-report-'));
let site: TestSite;
let proctor: Socket;
const sockets: Socket[] = [];
let beforeEnd: Ack<unknown>;

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  sockets.push(proctor);
  await call(proctor, 'login:open', { sittingId: SITTING });
  const { socket: s, login } = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: 1,
    machineId: 'machine-report-1',
    ticketNo: ticketFor(1, 1),
    idNumber: idNumberFor(1),
  });
  sockets.push(s);
  expect(login.candidate.ticketNo).toBe(ticketFor(1, 1));
  await call(proctor, 'candidate:absent', { sittingId: SITTING, ticketNo: ticketFor(1, 3), absent: true });
  site.clock.set(site.juniorStart + 10 * MIN);
  await call(proctor, 'sitting:start', { sittingId: SITTING, reason: '考点停电十分钟' });
  await call(proctor, 'candidate:reset', {
    sittingId: SITTING,
    ticketNo: ticketFor(1, 1),
    reason: '考试机死机',
  });
  await call(proctor, 'candidate:extend', {
    sittingId: SITTING,
    tickets: [ticketFor(1, 1)],
    minutes: 8,
    reason: '更换考试机',
  });
  await call(proctor, 'violation:record', {
    sittingId: SITTING,
    ticketNo: ticketFor(1, 2),
    category: 'move-screen-or-unit',
    description: '大幅度调整显示器角度',
    notified: true,
  });
  site.clock.advance(110 * MIN);
  beforeEnd = await call<Ack<unknown>>(proctor, 'report:room', { sittingId: SITTING });
  const ended = await call<Ack<unknown>>(proctor, 'sitting:end', { sittingId: SITTING });
  expect(ended.ok).toBe(true);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('room report (考场情况记录单)', () => {
  it('is refused before the end command', () => {
    expect(beforeEnd).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });

  it('prints absences, the delayed start, resets, extensions and violations in real Chinese text', async () => {
    const r = await call<Ack<{ fileName: string; pdfBase64: string }>>(proctor, 'report:room', {
      sittingId: SITTING,
    });
    if (!r.ok) throw new Error(r.error.message);
    const pdfPath = join(dir, 'report.pdf');
    writeFileSync(pdfPath, Buffer.from(r.value.pdfBase64, 'base64'));

    // The CJK font is embedded (a missing one would print empty boxes).
    const fonts = execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' });
    expect(fonts).toMatch(/CJK|WenQuanYi|SimSun/);
    expect(fonts).toMatch(/yes\s+yes/); // embedded, subset

    // Table cells wrap, so compare without white space.
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const expected of [
      '考场情况记录单',
      '第1考场',
      '延迟开考（经市级考试机构同意）',
      '应考3人，实考1人，缺考2人',
      '考点停电十分钟',
      '考试机死机',
      '更换考试机',
      '大幅度调整显示屏位置和角度或搬动主机箱',
      '当次该科目考试成绩无效',
      '考生3',
      '监考员签字',
      '主考签字',
    ]) {
      expect(text, expected).toContain(expected);
    }

    // Rendered, the title area carries real glyphs: enough dark pixels, in many columns.
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdfPath, join(dir, 'page')]);
    const png = readFileSync(join(dir, 'page-1.png'));
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('explains how to fix a machine without a Chinese font', () => {
    expect(() => findCjkFont({}, [])).toThrow(MissingCjkFontError);
    expect(() => findCjkFont({ EXAM_CJK_FONT: '/nonexistent.ttf' }, [])).toThrow(/fonts-noto-cjk/);
  });
});
