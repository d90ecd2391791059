import type { CandidateDef, Paper } from '@exam/protocol';
import type { ExamSpec } from './buildExam.js';

/**
 * A small, deterministic exam for tests and load runs: rooms of `perRoom` candidates, one
 * junior sitting (single, multiple, true/false) and one senior sitting (long text); on
 * request a second junior sitting, so that one machine serves three sittings in a day.
 */
export interface TestExamOptions {
  /**
   * Whom backups are sealed for: `provinceRef(pki)` of the PKI the exam is built with.
   * Required to build packages (buildExamPackages refuses a spec without it); a test that only
   * reads the spec may leave it out.
   */
  province?: ExamSpec['province'];
  rooms?: number;
  perRoom?: number;
  seniorPerRoom?: number;
  juniorStart: Date;
  seniorStart?: Date;
  items?: number;
  /**
   * Candidates per room of a second junior sitting, `S-J-PRAC` (专业知识和实务), 40 minutes
   * after `S-J-ECON` ends, as the notice's batches run. They sit on seats 1.., the machines
   * the first sitting used. Their tickets follow the room's others (`ticketFor(room,
   * perRoom + seniorPerRoom + k)`) and their ID numbers count on after every room's others.
   * 0, the default, leaves the sitting out.
   */
  practicePerRoom?: number;
  /**
   * The senior candidates' first seat: after the junior seats by default; 1 puts them on the
   * morning's machines, as a site runs its afternoon batch. Their tickets do not change.
   */
  seniorFirstSeat?: number;
  /**
   * An overbooked site (annex 4, issue 19): no candidate carries a seat, and the site is
   * marked so. With `roomSeats`, a room may have fewer machines than candidates.
   */
  overbooked?: boolean;
  /** Machines per room, R1 first (the rest keep the computed count). */
  roomSeats?: number[];
}

/** 90 minutes of the first junior sitting and the notice's 40 between it and the next. */
const PRACTICE_AFTER_MS = (90 + 40) * 60_000;

const PHOTO_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export function idNumberFor(n: number): string {
  const first17 = `11010519800101${String(n).padStart(3, '0')}`.slice(0, 17);
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

export function ticketFor(room: number, seat: number): string {
  return `2104${String(room).padStart(3, '0')}${String(seat).padStart(5, '0')}`;
}

export function juniorTestPaper(items = 10): Paper {
  return {
    paperId: 'P-J',
    subjectCode: 'J-ECON',
    title: '经济基础知识（测试卷）',
    instructions: '请在规定时间内作答。',
    cases: [],
    items: Array.from({ length: items }, (_, i) => {
      const id = `J-${String(i + 1).padStart(3, '0')}`;
      const options = ['A', 'B', 'C', 'D'].map((key) => ({ key, text: `选项${key}` }));
      if (i % 3 === 0)
        return { id, kind: 'single' as const, stem: `第${i + 1}题 单项选择`, points: 1, options };
      if (i % 3 === 1)
        return { id, kind: 'multiple' as const, stem: `第${i + 1}题 多项选择`, points: 2, options };
      return { id, kind: 'truefalse' as const, stem: `第${i + 1}题 判断`, points: 1 };
    }),
  };
}

/** The second junior paper: the first one's shapes under its own item ids (P-001…). */
export function practiceTestPaper(items = 10): Paper {
  const first = juniorTestPaper(items);
  return {
    ...first,
    paperId: 'P-J2',
    subjectCode: 'J-PRAC',
    title: '专业知识和实务（测试卷）',
    items: first.items.map((item) => ({ ...item, id: item.id.replace('J-', 'P-') })),
  };
}

export function seniorTestPaper(): Paper {
  return {
    paperId: 'P-S',
    subjectCode: 'S-PRAC',
    title: '高级经济实务（测试卷）',
    instructions: '请根据案例作答。',
    cases: [{ id: 'C1', title: '案例一', text: '某企业计划进入新市场。' }],
    items: [
      {
        id: 'S-001',
        kind: 'text',
        stem: '分析该企业的市场进入策略。',
        points: 20,
        maxChars: 2000,
        caseId: 'C1',
      },
      { id: 'S-002', kind: 'text', stem: '提出风险控制建议。', points: 20, maxChars: 2000, caseId: 'C1' },
    ],
  };
}

export function testExamSpec(o: TestExamOptions): ExamSpec {
  const rooms = o.rooms ?? 2;
  const perRoom = o.perRoom ?? 5;
  const seniorPerRoom = o.seniorPerRoom ?? 0;
  const seniorStart = o.seniorStart ?? new Date(o.juniorStart.getTime() + 6 * 3_600_000);
  const practicePerRoom = o.practicePerRoom ?? 0;
  const seniorFirstSeat = o.seniorFirstSeat ?? perRoom + 1;
  const seats = Math.max(perRoom, practicePerRoom, seniorFirstSeat + seniorPerRoom - 1);
  const candidates: CandidateDef[] = [];
  let n = 0;
  const add = (r: number, k: number, seatNo: number, sittingId: string) => {
    n++;
    candidates.push({
      ticketNo: ticketFor(r, k),
      idNumber: idNumberFor(n),
      name: `考生${n}`,
      gender: n % 2 ? 'M' : 'F',
      level: sittingId === 'S-SENIOR' ? 'senior' : 'junior',
      specialty: '工商管理',
      photoPng: PHOTO_1PX,
      roomId: `R${r}`,
      seatNo: o.overbooked ? null : seatNo,
      sittingIds: [sittingId],
    });
  };
  for (let r = 1; r <= rooms; r++) {
    for (let k = 1; k <= perRoom + seniorPerRoom; k++) {
      const senior = k > perRoom;
      add(r, k, senior ? seniorFirstSeat + k - perRoom - 1 : k, senior ? 'S-SENIOR' : 'S-J-ECON');
    }
  }
  for (let r = 1; r <= rooms; r++) {
    for (let k = 1; k <= practicePerRoom; k++) add(r, perRoom + seniorPerRoom + k, k, 'S-J-PRAC');
  }
  return {
    examId: 'EXAM-TEST',
    examName: '测试考试',
    site: { siteId: 'SITE-T', name: '测试考点', ...(o.overbooked ? { overbooked: true } : {}) },
    province: o.province ?? { provinceId: 'PROVINCE', certPem: '' },
    arrangementTimestamp: new Date(o.juniorStart.getTime() - 7 * 86_400_000).toISOString(),
    rooms: Array.from({ length: rooms }, (_, i) => ({
      roomId: `R${i + 1}`,
      name: `第${i + 1}考场`,
      seats: o.roomSeats?.[i] ?? seats,
    })),
    sittings: [
      {
        sittingId: 'S-J-ECON',
        batchId: 'B1',
        subjectCode: 'J-ECON',
        subjectName: '经济基础知识',
        level: 'junior',
        scheduledStart: o.juniorStart.toISOString(),
        lateEntryCutoffMinutes: 5,
        paper: juniorTestPaper(o.items),
      },
      ...(practicePerRoom > 0
        ? [
            {
              sittingId: 'S-J-PRAC',
              batchId: 'B1',
              subjectCode: 'J-PRAC',
              subjectName: '专业知识和实务',
              level: 'junior' as const,
              scheduledStart: new Date(o.juniorStart.getTime() + PRACTICE_AFTER_MS).toISOString(),
              lateEntryCutoffMinutes: 5,
              paper: practiceTestPaper(o.items),
            },
          ]
        : []),
      {
        sittingId: 'S-SENIOR',
        batchId: 'B2',
        subjectCode: 'S-PRAC',
        subjectName: '高级经济实务',
        level: 'senior',
        scheduledStart: seniorStart.toISOString(),
        lateEntryCutoffMinutes: 5,
        paper: seniorTestPaper(),
      },
    ],
    candidates,
  };
}
