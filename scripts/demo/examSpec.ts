import type { ExamSpec } from '@exam/centre';
import type { CandidateDef, Paper } from '@exam/protocol';
import { demoPapers } from './papers.js';
import { placeholderPhoto } from './photo.js';
import { type DemoCandidate, demoRoster } from './roster.js';
import type { AnswerKey } from './types.js';

/** The demo exam day: 2021-10-23, China Standard Time (UTC+8). */
export const DEMO_DAY = Object.freeze({
  juniorEcon: new Date('2021-10-23T08:30:00+08:00'),
  juniorBiz: new Date('2021-10-23T10:40:00+08:00'),
  senior: new Date('2021-10-23T14:30:00+08:00'),
});

export const DEMO_SITTINGS = Object.freeze({
  'J-ECON': { sittingId: 'B1-J-ECON', batchId: 'B1', start: DEMO_DAY.juniorEcon, level: 'junior' },
  'J-BIZ': { sittingId: 'B1-J-BIZ', batchId: 'B1', start: DEMO_DAY.juniorBiz, level: 'junior' },
  'S-PRAC': { sittingId: 'B3-S-PRAC', batchId: 'B3', start: DEMO_DAY.senior, level: 'senior' },
} as const);

export interface DemoExam {
  /** The province is added where the PKI is made (make-exam). */
  spec: Omit<ExamSpec, 'province'>;
  roster: DemoCandidate[];
  answerKeys: Map<string, AnswerKey>;
  papers: Map<string, Paper>;
}

/**
 * One site, two rooms, `count` candidates (about a tenth senior). Juniors sit in the
 * morning batch, seniors in the afternoon, so a machine serves one of each.
 * `overbooked` (annex 4, issue 19; off by default): the site is run as overbooked, no
 * candidate carries a seat, and room R01 has fewer machines than candidates in a sitting
 * (within the 30% the notice allows), so its late arrivals are transferred to R02, which has
 * the machines R01 lacks.
 */
export function demoExam(count = 60, opts: { overbooked?: boolean } = {}): DemoExam {
  const roster = demoRoster({ count, seniorShare: 0.1 });
  const rooms = [
    { roomId: 'R01', name: '第01考场', seats: 0 },
    { roomId: 'R02', name: '第02考场', seats: 0 },
  ];
  const nextSeat = new Map<string, number>();
  const candidates: CandidateDef[] = roster.map((c, i) => {
    const room = rooms[i % rooms.length]!;
    const key = `${room.roomId}:${c.level}`;
    const seatNo = (nextSeat.get(key) ?? 0) + 1;
    nextSeat.set(key, seatNo);
    room.seats = Math.max(room.seats, seatNo);
    return {
      ticketNo: c.ticketNo,
      idNumber: c.idNumber,
      name: c.name,
      gender: c.gender,
      level: c.level,
      specialty: c.specialty,
      photoPng: placeholderPhoto(c.ticketNo).toString('base64'),
      roomId: room.roomId,
      seatNo: opts.overbooked ? null : seatNo,
      sittingIds: c.subjects.map((s) => DEMO_SITTINGS[s as keyof typeof DEMO_SITTINGS].sittingId),
    };
  });
  const papers = new Map<string, Paper>();
  const answerKeys = new Map<string, AnswerKey>();
  for (const { paper, answerKey } of demoPapers()) {
    const def = DEMO_SITTINGS[paper.subjectCode as keyof typeof DEMO_SITTINGS];
    papers.set(def.sittingId, paper);
    answerKeys.set(def.sittingId, answerKey);
  }
  const subjectNames: Record<string, string> = {
    'J-ECON': '经济基础知识（初级）',
    'J-BIZ': '工商管理专业知识和实务（初级）',
    'S-PRAC': '高级经济实务（工商管理）',
  };
  if (opts.overbooked) {
    // R01's busiest sitting is over its machines by at most the allowed share: the fewest
    // machines m with m × 1.3 ≥ its candidates (and at least one fewer than them).
    const r01 = rooms[0]!;
    const m = Math.ceil((r01.seats * 10) / 13);
    const lacking = r01.seats - Math.max(1, Math.min(m, r01.seats - 1));
    r01.seats -= lacking;
    // The site has a machine for everyone: R02 holds the ones R01 lacks, for those it takes in.
    rooms[1]!.seats += lacking;
  }
  const spec: Omit<ExamSpec, 'province'> = {
    examId: 'ECON-2021',
    examName: '2021年度经济专业技术资格考试',
    site: { siteId: 'LN-0101', name: '沈阳市第一考点', ...(opts.overbooked ? { overbooked: true } : {}) },
    arrangementTimestamp: new Date('2021-10-10T09:00:00+08:00').toISOString(),
    rooms,
    sittings: Object.entries(DEMO_SITTINGS).map(([code, def]) => ({
      sittingId: def.sittingId,
      batchId: def.batchId,
      subjectCode: code,
      subjectName: subjectNames[code]!,
      level: def.level,
      scheduledStart: def.start.toISOString(),
      lateEntryCutoffMinutes: 5,
      paper: papers.get(def.sittingId)!,
    })),
    candidates,
  };
  return { spec, roster, answerKeys, papers };
}
