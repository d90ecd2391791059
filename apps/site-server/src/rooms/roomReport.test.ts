import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { issueApprovalCode } from '@exam/crypto';
import { siteLocalDate } from '@exam/domain';
import type { Ack } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCjkFont, MissingCjkFontError } from './cjkFont.js';

const MIN = 60_000;
const SITTING = 'S-J-ECON';
const dir = mkdtempSync(join(tmpdir(), 'room-report-'));
let site: TestSite;
let proctor: Socket;
const sockets: Socket[] = [];
let beforeEnd: Ack<unknown>;
const codes = { province: '', centre: '' };

/** The code the province (or centre) reads over the phone for one candidate's extension. */
function extensionCode(authority: 'province' | 'centre', minutes: number): string {
  const params = {
    kind: 'extension' as const,
    authority,
    siteId: 'SITE-T',
    roomId: 'R1',
    sittingId: SITTING,
    date: siteLocalDate(site.juniorStart),
    tickets: [ticketFor(1, 1)],
    minutes,
  };
  return issueApprovalCode(site.built.approvalKeys[authority], params, 0);
}

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
  // Past 10 minutes in all the province's code, past 60 the centre's (13, then 63 minutes).
  codes.province = extensionCode('province', 5);
  const byProvince = await call<Ack<unknown>>(proctor, 'candidate:extend', {
    sittingId: SITTING,
    tickets: [ticketFor(1, 1)],
    minutes: 5,
    reason: '省级批准补时',
    code: codes.province,
  });
  expect(byProvince.ok).toBe(true);
  codes.centre = extensionCode('centre', 50);
  const byCentre = await call<Ack<unknown>>(proctor, 'candidate:extend', {
    sittingId: SITTING,
    tickets: [ticketFor(1, 1)],
    minutes: 50,
    reason: '部中心批准补时',
    code: codes.centre,
  });
  expect(byCentre.ok).toBe(true);
  await call(proctor, 'violation:record', {
    sittingId: SITTING,
    ticketNo: ticketFor(1, 2),
    category: 'move-screen-or-unit',
    description: '大幅度调整显示器角度',
    notified: true,
  });
  // Past the extended candidate's own end (start + 90 + 63 minutes), so the room can end.
  site.clock.advance(170 * MIN);
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

  it('prints each extension under 补时 with who allowed it, a coded one never as a delayed start', async () => {
    const r = await call<Ack<{ fileName: string; pdfBase64: string }>>(proctor, 'report:room', {
      sittingId: SITTING,
    });
    if (!r.ok) throw new Error(r.error.message);
    const pdfPath = join(dir, 'extensions.pdf');
    writeFileSync(pdfPath, Buffer.from(r.value.pdfBase64, 'base64'));
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    const section = text.slice(text.indexOf('三、补时'), text.indexOf('四、违纪违规'));
    expect(section.length).toBeGreaterThan('三、补时'.length);
    // One row per grant, in order: this time / cumulative, who allowed it, the code, the reason.
    expect(section).toContain(`8/8监考补时—更换考试机`);
    expect(section).toContain(`5/13补时（省级授权码）${codes.province}省级批准补时`);
    expect(section).toContain(`50/63补时（部中心授权码）${codes.centre}部中心批准补时`);
    expect(section).not.toContain('延迟开考');
    expect(section).not.toContain('开考');
    // The delayed start keeps its own wording where the start is printed.
    expect(text.slice(0, text.indexOf('三、补时'))).toContain('延迟开考（经市级考试机构同意）');
  });

  it('explains how to fix a machine without a Chinese font', () => {
    expect(() => findCjkFont({}, [])).toThrow(MissingCjkFontError);
    expect(() => findCjkFont({ EXAM_CJK_FONT: '/nonexistent.ttf' }, [])).toThrow(/fonts-noto-cjk/);
  });
});
