/**
 * Deterministic demo roster: fictitious candidates with well-formed Chinese resident ID
 * numbers (GB 11643: region, birth date, sequence, ISO 7064 MOD 11-2 check character).
 * Same options → same roster, so demos and benchmarks are reproducible.
 */

export type Level = 'junior' | 'intermediate' | 'senior';

export interface DemoCandidate {
  ticketNo: string;
  idNumber: string;
  name: string;
  gender: 'M' | 'F';
  level: Level;
  specialty: string;
  subjects: string[];
}

/** The 10 specialties offered at every level (notice §三), from the domain module. */
export { SPECIALTIES } from '@exam/domain';

export const DEMO_SUBJECTS = Object.freeze({
  junior: ['J-ECON', 'J-BIZ'],
  senior: ['S-PRAC'],
} as const);

/** Exam year: ages are computed against it, and it prefixes ticket numbers. */
const EXAM_YEAR = 2021;
const TICKET_PREFIX = '2104';
const MAX_SERIAL = 9999;

/**
 * County-level codes in Liaoning (the notice's province), each with the 4-digit city code
 * used as the exam city in the ticket number.
 */
const LIAONING_REGIONS = [
  '210102', // 沈阳 和平区
  '210103', // 沈阳 沈河区
  '210104', // 沈阳 大东区
  '210105', // 沈阳 皇姑区
  '210106', // 沈阳 铁西区
  '210202', // 大连 中山区
  '210203', // 大连 西岗区
  '210204', // 大连 沙河口区
  '210211', // 大连 甘井子区
  '210302', // 鞍山 铁东区
  '210402', // 抚顺 新抚区
  '210502', // 本溪 平山区
  '210602', // 丹东 元宝区
  '210702', // 锦州 古塔区
  '210802', // 营口 站前区
  '210902', // 阜新 海州区
  '211002', // 辽阳 白塔区
  '211102', // 盘锦 双台子区
  '211202', // 铁岭 银州区
  '211302', // 朝阳 双塔区
  '211402', // 葫芦岛 连山区
] as const;

/** Some candidates were born elsewhere (their ID region is outside the province). */
const OTHER_REGIONS = [
  '220102', // 长春 南关区
  '230103', // 哈尔滨 南岗区
  '150102', // 呼和浩特 新城区
  '130102', // 石家庄 长安区
  '370202', // 青岛 市南区
  '110105', // 北京 朝阳区
] as const;

const SURNAMES = [
  ...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董肖程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶闫余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文',
];
const GIVEN_M = [
  ...'伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙峰博文志国建新海东亮晨阳振德岩松',
];
const GIVEN_F = [...'芳娜敏静丽艳娟霞秀玲桂丹萍婷雪琳晶颖慧莉倩燕红梅洁琴蕾欣怡悦璐佳雯诗淑'];

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number. */
export function idNumberCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('expected exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (ID_WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * True for an 18-character resident ID number whose birth date is a real date
 * (1800 or later, as in the standard's own example) and whose check character matches. The check character must be
 * an uppercase 'X' where it is ten, as printed on the card.
 */
export function isValidIdNumber(id: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1800 || !isRealDate(year, month, day)) return false;
  return idNumberCheckDigit(id.slice(0, 17)) === id.charAt(17);
}

/** mulberry32: a small, fast, seedable PRNG; plenty for demo data (not for secrets). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rng {
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}

function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    pick<T>(list: readonly T[]): T {
      const value = list[int(0, list.length - 1)];
      if (value === undefined) throw new RangeError('pick from an empty list');
      return value;
    },
    chance: (p) => next() < p,
  };
}

function demoName(rng: Rng, gender: 'M' | 'F'): string {
  const given = gender === 'M' ? GIVEN_M : GIVEN_F;
  const surname = rng.pick(SURNAMES);
  // About a third of names are two characters (surname + one), the rest three.
  return rng.chance(0.35) ? surname + rng.pick(given) : surname + rng.pick(given) + rng.pick(given);
}

function demoIdNumber(rng: Rng, region: string, level: Level, gender: 'M' | 'F'): string {
  // Junior: 22–55 in the exam year; senior: at least 32 (degree + intermediate + 5 years).
  const minAge = level === 'senior' ? 32 : 22;
  const year = EXAM_YEAR - rng.int(minAge, 55);
  const month = rng.int(1, 12);
  const day = rng.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  // Sequence: two digits, then an odd digit for men and an even digit for women.
  const seq = String(rng.int(0, 99)).padStart(2, '0') + String(rng.int(0, 4) * 2 + (gender === 'M' ? 1 : 0));
  const first17 = `${region}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${seq}`;
  return first17 + idNumberCheckDigit(first17);
}

/** Fisher–Yates shuffle of levels so seniors are spread through the roster. */
function levelPlan(rng: Rng, count: number, seniorShare: number): Level[] {
  const seniors = Math.round(count * seniorShare);
  const plan: Level[] = Array.from({ length: count }, (_, i) => (i < seniors ? 'senior' : 'junior'));
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const tmp = plan[i]!;
    plan[i] = plan[j]!;
    plan[j] = tmp;
  }
  return plan;
}

/**
 * Generates `count` fictitious 工商管理 candidates. Juniors sit J-ECON and J-BIZ (about
 * one in ten sits only one of them); seniors sit S-PRAC. Ticket numbers are
 * '2104' + the 4-digit exam-city code + a 4-digit serial within that city; ID numbers
 * and ticket numbers are unique. The result is sorted by ticket number.
 */
export function demoRoster(opts: { count: number; seed?: number; seniorShare?: number }): DemoCandidate[] {
  const { count, seed = 2021, seniorShare = 0.1 } = opts;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer`);
  if (!(seniorShare >= 0 && seniorShare <= 1)) throw new RangeError(`seniorShare must be in [0, 1]`);
  const rng = createRng(seed);
  const plan = levelPlan(rng, count, seniorShare);
  const seenIds = new Set<string>();
  const serialByCity = new Map<string, number>();
  const roster: DemoCandidate[] = [];

  for (const level of plan) {
    const gender: 'M' | 'F' = rng.chance(0.5) ? 'M' : 'F';
    const local = rng.chance(0.9);
    const region = local ? rng.pick(LIAONING_REGIONS) : rng.pick(OTHER_REGIONS);
    // Candidates born elsewhere sit in a Liaoning city they chose at registration.
    const city = (local ? region : rng.pick(LIAONING_REGIONS)).slice(0, 4);

    let idNumber = demoIdNumber(rng, region, level, gender);
    while (seenIds.has(idNumber)) idNumber = demoIdNumber(rng, region, level, gender);
    seenIds.add(idNumber);

    const serial = (serialByCity.get(city) ?? 0) + 1;
    if (serial > MAX_SERIAL) throw new RangeError(`more than ${MAX_SERIAL} candidates in city ${city}`);
    serialByCity.set(city, serial);

    let subjects: string[];
    if (level === 'senior') subjects = [...DEMO_SUBJECTS.senior];
    else if (rng.chance(0.1)) subjects = [rng.pick(DEMO_SUBJECTS.junior)];
    else subjects = [...DEMO_SUBJECTS.junior];

    roster.push({
      ticketNo: `${TICKET_PREFIX}${city}${String(serial).padStart(4, '0')}`,
      idNumber,
      name: demoName(rng, gender),
      gender,
      level,
      specialty: '工商管理',
      subjects,
    });
  }
  return roster.sort((a, b) => (a.ticketNo < b.ticketNo ? -1 : a.ticketNo > b.ticketNo ? 1 : 0));
}
