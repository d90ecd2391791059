import { describe, expect, it } from 'vitest';
import {
  ARRANGEMENT_MISMATCH,
  arrangementCode,
  judgeArrangementCode,
  parseArrangementCode,
  type RoomArrangement,
} from './arrangementCode.js';

const TS = '2021-10-16T00:30:00.000Z';
const candidate = (ticketNo: string, roomId: string, seatNo: number | null) => ({ ticketNo, roomId, seatNo });
const exam = {
  examId: 'E2021',
  site: { siteId: 'SITE-T' },
  arrangementTimestamp: TS,
  rooms: [{ roomId: 'R1' }, { roomId: 'R2' }],
  candidates: [
    candidate('210400100002', 'R1', 2),
    candidate('210400100001', 'R1', 1),
    candidate('210400200001', 'R2', 1),
  ],
};
// The function takes the exam data's shape; the fields it does not read are left out here.
const code = (data: typeof exam, roomId: string) => arrangementCode(data as never, roomId);

function siteOf(data: typeof exam) {
  return {
    examId: data.examId,
    siteId: data.site.siteId,
    arrangementTimestamp: data.arrangementTimestamp,
    room(roomId: string): RoomArrangement | null {
      if (!data.rooms.some((r) => r.roomId === roomId)) return null;
      return {
        examId: data.examId,
        siteId: data.site.siteId,
        roomId,
        arrangementTimestamp: data.arrangementTimestamp,
        seats: data.candidates.filter((c) => c.roomId === roomId),
      };
    },
  };
}

describe('arrangementCode', () => {
  it('names the exam, site, room and timestamp, with a 12-hex digest of the seats', () => {
    expect(code(exam, 'R1')).toMatch(/^ARR1\|E2021\|SITE-T\|R1\|2021-10-16T00:30:00.000Z\|[0-9a-f]{12}$/);
  });

  it('does not depend on the order the candidates are listed in', () => {
    const reordered = { ...exam, candidates: [...exam.candidates].reverse() };
    expect(code(reordered, 'R1')).toBe(code(exam, 'R1'));
  });

  it('changes when a seat, a ticket or the timestamp changes', () => {
    const base = code(exam, 'R1');
    const swapped = {
      ...exam,
      candidates: [candidate('210400100002', 'R1', 1), candidate('210400100001', 'R1', 2)],
    };
    expect(code(swapped, 'R1')).not.toBe(base);
    const moved = { ...exam, candidates: [...exam.candidates, candidate('210400100003', 'R1', 3)] };
    expect(code(moved, 'R1')).not.toBe(base);
    expect(code({ ...exam, arrangementTimestamp: '2021-10-17T00:30:00.000Z' }, 'R1').split('|')[5]).not.toBe(
      base.split('|')[5],
    );
  });

  it('refuses a room the exam does not have', () => {
    expect(() => code(exam, 'R9')).toThrow(/R9/);
  });

  it('reads back what it wrote, and nothing else', () => {
    expect(parseArrangementCode(`${code(exam, 'R2')}\n`)).toMatchObject({ roomId: 'R2', examId: 'E2021' });
    expect(parseArrangementCode('ARR1|E|S|R|not a date|abcdefabcdef')).toBeNull();
    expect(parseArrangementCode('ARR2|E|S|R|2021-10-16T00:30:00Z|abcdefabcdef')).toBeNull();
    expect(parseArrangementCode('hello')).toBeNull();
  });
});

describe('judgeArrangementCode', () => {
  const site = siteOf(exam);
  const judge = (text: string) => judgeArrangementCode(text, site);

  it('matches the code of the same room data', () => {
    expect(judge(code(exam, 'R1'))).toMatchObject({ roomId: 'R1', match: true, reason: null });
  });

  it('says why a code does not match', () => {
    const other = (patch: Partial<typeof exam>) => ({ ...exam, ...patch });
    expect(judge('not a code').reason).toBe(ARRANGEMENT_MISMATCH.unreadable);
    expect(judge(code(other({ examId: 'E2020' }), 'R1')).reason).toBe(ARRANGEMENT_MISMATCH.otherExam);
    expect(judge(code(other({ site: { siteId: 'SITE-X' } }), 'R1')).reason).toBe(
      ARRANGEMENT_MISMATCH.otherSite,
    );
    const withR3 = other({ rooms: [...exam.rooms, { roomId: 'R3' }] });
    expect(judge(code(withR3, 'R3')).reason).toBe(ARRANGEMENT_MISMATCH.unknownRoom);
    expect(judge(code(other({ arrangementTimestamp: '2021-10-17T00:30:00.000Z' }), 'R1')).reason).toBe(
      ARRANGEMENT_MISMATCH.timestampDiffers,
    );
    const reseated = other({
      candidates: [candidate('210400100001', 'R1', 2), candidate('210400100002', 'R1', 1)],
    });
    expect(judge(code(reseated, 'R1'))).toMatchObject({
      roomId: 'R1',
      match: false,
      reason: ARRANGEMENT_MISMATCH.arrangementDiffers,
    });
  });
});
