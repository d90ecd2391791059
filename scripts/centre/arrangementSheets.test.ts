import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrangementCode, parseArrangementCode, testExamSpec } from '@exam/centre';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { writeArrangementCodes } from './arrangementSheets.js';
import { makeDemoExam } from './make-exam.js';

/** Each room's arrangement code as text and as a QR code, as make-exam writes them (issue 18, point 5). */
const dir = mkdtempSync(join(tmpdir(), 'arrangement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('arrangement codes', () => {
  const spec = testExamSpec({ rooms: 3, perRoom: 5, juniorStart: new Date('2021-10-23T00:30:00Z') });
  const exam = { spec };
  writeArrangementCodes(dir, spec);
  const rooms = spec.rooms.map((r) => r.roomId);

  it('writes codes.txt with one line per room, the code of that room', () => {
    const lines = readFileSync(join(dir, 'arrangement', 'codes.txt'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual(rooms);
    for (const line of lines) {
      const [roomId, code] = line.split('\t') as [string, string];
      expect(code).toBe(arrangementCode(exam.spec, roomId));
      expect(parseArrangementCode(code)).toMatchObject({ roomId, siteId: exam.spec.site.siteId });
    }
  });

  it('writes a QR code per room whose dark modules are exactly the code’s symbol', () => {
    expect(readdirSync(join(dir, 'arrangement')).sort()).toEqual(
      ['codes.txt', ...rooms.map((r) => `${r}.svg`)].sort(),
    );
    for (const roomId of rooms) {
      const svg = readFileSync(join(dir, 'arrangement', `${roomId}.svg`), 'utf8');
      const code = arrangementCode(exam.spec, roomId);
      expect(svg).toContain(`>${code}</text>`);
      const { modules } = QRCode.create(code, { errorCorrectionLevel: 'M' });
      const dark = [...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map(
        (m) => `${Number(m[2]) - 4},${Number(m[1]) - 4}`,
      );
      const expected: string[] = [];
      for (let y = 0; y < modules.size; y++)
        for (let x = 0; x < modules.size; x++) if (modules.get(y, x)) expected.push(`${y},${x}`);
      expect(dark).toEqual(expected);
    }
  });

  it('are written by make-exam for every room of the demo exam', () => {
    const out = join(dir, 'demo');
    const { exam: demo } = makeDemoExam(out, 60, { centre: 'c-pin', site: 's-pin', proctor: 'p-pin' });
    const lines = readFileSync(join(out, 'arrangement', 'codes.txt'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toEqual(demo.spec.rooms.map((r) => `${r.roomId}\t${arrangementCode(demo.spec, r.roomId)}`));
    for (const r of demo.spec.rooms)
      expect(readdirSync(join(out, 'arrangement'))).toContain(`${r.roomId}.svg`);
  });
});
