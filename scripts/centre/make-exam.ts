import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExamPackages, createExamPki, issueKeyHolder, provinceRef } from '@exam/centre';
import { parseCommand, usageExit } from '@exam/cli';
import { certificateFingerprint, toPkcs12 } from '@exam/crypto';
import { SITE_UTC_OFFSET_MS, siteLocalDateTime } from '@exam/domain';
import { type DemoExam, demoExam } from '../demo/examSpec.js';
import { writeArrangementCodes } from './arrangementSheets.js';

/**
 * Centre side: `make-exam --out DIR [--candidates 60] [--date YYYY-MM-DD]` issues a centre
 * root and a site key, and builds the signed, encrypted exam data and authorization packages
 * for the demo site. Writes centre/ (centre.p12, approval.key), site/ (site.p12,
 * site-tls.p12: the server's TLS certificate, centre-root.pem), client/ (centre-root.pem and
 * site-id, what each console and test machine is installed with), keys/ (a proctor key per room and the chief examiner's), province/
 * (approval.key), packages/, arrangement/ (each room's arrangement code: a QR code SVG per room
 * and codes.txt, for the admin page's scan check) and roster.csv (who sits where, with the ticket and ID number
 * each logs in with). PINs come from EXAM_CENTRE_PIN, EXAM_SITE_PIN and EXAM_PROCTOR_PIN; all
 * three are required: a key file under an empty PIN is as good as an unprotected key.
 * province/province.p12 is the province's key (issue 18: backups are sealed for it, the
 * `check-backup` command opens them), under EXAM_PROVINCE_PIN, or the centre's PIN when unset.
 */
const MAKE_EXAM = {
  name: 'make-exam',
  usage: `make-exam --out DIR [--candidates N] [--date YYYY-MM-DD] [--overbooked]
  --out DIR          where the keys, packages and roster.csv go
  --candidates N     how many candidates (2..20000, default 60)
  --date YYYY-MM-DD  the exam day (default 2021-10-23): sittings at 08:30, 10:40 and 14:30
                     Beijing time that day, the authorization valid from the day before to
                     two days after. Build for today to run a site on the real clock.
  --overbooked       an overbooked site (annex 4): no seats on the roster, room R01 with
                     fewer machines than candidates (at most 30% fewer), seats assigned at entry
PINs of the key files, all required: EXAM_CENTRE_PIN, EXAM_SITE_PIN, EXAM_PROCTOR_PIN.
EXAM_PROVINCE_PIN: the province's key (province/province.p12); the centre's PIN when unset.`,
  options: {
    out: { type: 'string' },
    candidates: { type: 'string', default: '60' },
    date: { type: 'string' },
    overbooked: { type: 'boolean', default: false },
  },
} as const;

/** The environment variable each key file's PIN comes from. */
const PIN_VARIABLES = {
  centre: 'EXAM_CENTRE_PIN',
  site: 'EXAM_SITE_PIN',
  proctor: 'EXAM_PROCTOR_PIN',
} as const;
type Pins = Record<keyof typeof PIN_VARIABLES, string> & {
  /** The province's key file (issue 18); the centre's PIN when not given. */
  province?: string;
};
const PROVINCE_PIN_VARIABLE = 'EXAM_PROVINCE_PIN';

/** The variables of `pins` left empty: none may be, or a key file opens without a PIN. */
export function missingPins(pins: Partial<Pins>): string[] {
  return (Object.keys(PIN_VARIABLES) as (keyof typeof PIN_VARIABLES)[])
    .filter((k) => !pins[k])
    .map((k) => PIN_VARIABLES[k]);
}

const DAY_MS = 86_400_000;
/** The day the demo exam is written for (its sittings' times are on it). */
const DEMO_DATE = '2021-10-23';
/** Local midnight of that date at the site. */
const cst = (date: string) => Date.parse(`${date}T00:00:00Z`) - SITE_UTC_OFFSET_MS;
function isDay(date: string): boolean {
  const t = Date.parse(`${date}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(t) && new Date(t).toISOString().startsWith(date);
}

/** The demo exam moved to another day: every time in it keeps its time of day. */
function onDate(exam: DemoExam, date: string): DemoExam {
  const shift = cst(date) - cst(DEMO_DATE);
  const moved = (iso: string) => new Date(Date.parse(iso) + shift).toISOString();
  return {
    ...exam,
    spec: {
      ...exam.spec,
      arrangementTimestamp: moved(exam.spec.arrangementTimestamp),
      sittings: exam.spec.sittings.map((s) => ({ ...s, scheduledStart: moved(s.scheduledStart) })),
    },
  };
}

/** `2021-10-23 08:30` in Beijing time, as a roster prints it. */
const localTime = (iso: string) => siteLocalDateTime(Date.parse(iso));
const csvField = (v: string | number) =>
  /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);

/**
 * One line per candidate and sitting, by sitting, room and seat: what a candidate machine
 * at a seat logs in with (ticket and ID number), for running a site by hand.
 */
export function rosterCsv(exam: DemoExam): string {
  const rows: (string | number)[][] = [
    [
      'sitting_id',
      'subject',
      'scheduled_start',
      'room_id',
      'seat_no',
      'ticket_no',
      'id_number',
      'name',
      'level',
    ],
  ];
  for (const s of exam.spec.sittings) {
    const sitting = exam.spec.candidates
      .filter((c) => c.sittingIds.includes(s.sittingId))
      .sort((a, b) => a.roomId.localeCompare(b.roomId) || (a.seatNo ?? 0) - (b.seatNo ?? 0));
    for (const c of sitting) {
      rows.push([
        s.sittingId,
        s.subjectName,
        localTime(s.scheduledStart),
        c.roomId,
        c.seatNo ?? '',
        c.ticketNo,
        c.idNumber,
        c.name,
        c.level,
      ]);
    }
  }
  return rows.map((r) => `${r.map(csvField).join(',')}\n`).join('');
}

export function makeDemoExam(
  out: string,
  count: number,
  pins: Pins,
  date: string = DEMO_DATE,
  opts: { overbooked?: boolean } = {},
) {
  const missing = missingPins(pins);
  if (missing.length > 0) throw new Error(`Every key file needs a PIN: ${missing.join(', ')} empty.`);
  const exam = onDate(demoExam(count, opts), date);
  const day = cst(date);
  // The certificates hold from well before the exam day to long after it, and now (the
  // centre verifies answer packages on its own clock).
  const validFrom = new Date(Math.min(day - 52 * DAY_MS, Date.now() - DAY_MS));
  const validity = {
    validFrom,
    validDays: Math.ceil((Math.max(day, Date.now()) - validFrom.getTime()) / DAY_MS) + 3650,
  };
  const pki = createExamPki(exam.spec.site.siteId, validity);
  // A proctor key (监考锁) per room and the chief examiner's key, registered for this exam.
  const holders = [
    ...exam.spec.rooms.map((r) =>
      issueKeyHolder(pki, { role: 'proctor', roomId: r.roomId, holder: `${r.name}监考` }, validity),
    ),
    issueKeyHolder(pki, { role: 'chief', roomId: null, holder: '考点主考' }, validity),
  ];
  const registeredKeys = holders.map((h) => ({
    fingerprint: certificateFingerprint(h.certPem),
    role: h.role,
    roomId: h.roomId,
    holder: h.holder,
  }));
  const built = buildExamPackages(
    { ...exam.spec, registeredKeys, province: provinceRef(pki) },
    pki.centre,
    pki.site.certPem,
    { validFrom: new Date(day - DAY_MS), validUntil: new Date(day + 2 * DAY_MS) },
    new Date(day - 3 * DAY_MS + 9 * 3_600_000),
  );
  for (const d of ['centre', 'site', 'client', 'packages', 'keys', 'province'])
    mkdirSync(join(out, d), { recursive: true });
  for (const h of holders) {
    const file = h.role === 'chief' ? 'chief.p12' : `proctor-${h.roomId}.p12`;
    writeFileSync(
      join(out, 'keys', file),
      toPkcs12({ ...h, chainPem: [pki.centre.certPem], pin: pins.proctor }),
      {
        mode: 0o600,
      },
    );
  }
  // The keys approval codes are issued with: the province's and the centre's own.
  writeFileSync(join(out, 'province', 'approval.key'), built.approvalKeys.province.toString('base64'), {
    mode: 0o600,
  });
  // The province's key: the backups are sealed for it (check-backup opens them).
  writeFileSync(
    join(out, 'province', 'province.p12'),
    toPkcs12({ ...pki.province, chainPem: [pki.centre.certPem], pin: pins.province || pins.centre }),
    { mode: 0o600 },
  );
  writeFileSync(join(out, 'province', 'centre-root.pem'), pki.centre.certPem);
  writeFileSync(join(out, 'centre', 'approval.key'), built.approvalKeys.centre.toString('base64'), {
    mode: 0o600,
  });
  writeFileSync(join(out, 'centre', 'centre.p12'), toPkcs12({ ...pki.centre, pin: pins.centre }), {
    mode: 0o600,
  });
  writeFileSync(
    join(out, 'site', 'site.p12'),
    toPkcs12({ ...pki.site, chainPem: [pki.centre.certPem], pin: pins.site }),
    {
      mode: 0o600,
    },
  );
  writeFileSync(join(out, 'site', 'centre-root.pem'), pki.centre.certPem);
  // The site server's TLS certificate and its own key, under the site PIN (HTTPS/WSS).
  writeFileSync(
    join(out, 'site', 'site-tls.p12'),
    toPkcs12({ ...pki.siteTls, chainPem: [pki.centre.certPem], pin: pins.site }),
    { mode: 0o600 },
  );
  // What each test machine and console is installed with at machine preparation: the
  // centre root (the only authority they trust for the server) and the site's id.
  writeFileSync(join(out, 'client', 'centre-root.pem'), pki.centre.certPem);
  writeFileSync(join(out, 'client', 'site-id'), `${pki.site.siteId}\n`);
  writeFileSync(join(out, 'packages', 'exam-data.exampkg'), built.examData);
  writeFileSync(join(out, 'packages', 'authorization.exampkg'), built.authorization);
  writeFileSync(join(out, 'roster.csv'), rosterCsv(exam));
  // Each room's arrangement code, printed on its data sheet and tickets (考场数据扫码校验).
  writeArrangementCodes(out, exam.spec);
  return { exam, pki, built, holders };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseCommand(MAKE_EXAM);
  const count = Number(values.candidates);
  const date = values.date ?? DEMO_DATE;
  if (!values.out) usageExit(MAKE_EXAM, '--out is required');
  if (!Number.isInteger(count) || count < 2 || count > 20_000)
    usageExit(MAKE_EXAM, '--candidates is a whole number from 2 to 20000');
  if (!isDay(date)) usageExit(MAKE_EXAM, '--date is a day, YYYY-MM-DD');
  const pins: Pins = {
    centre: process.env[PIN_VARIABLES.centre] ?? '',
    site: process.env[PIN_VARIABLES.site] ?? '',
    proctor: process.env[PIN_VARIABLES.proctor] ?? '',
    province: process.env[PROVINCE_PIN_VARIABLE] ?? '',
  };
  const missing = missingPins(pins);
  // Refused before a key is made: no default PIN, so no key file ever rests unprotected.
  if (missing.length > 0) {
    usageExit(
      MAKE_EXAM,
      `set a PIN for every key file; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set or empty`,
    );
  }
  const { exam } = makeDemoExam(values.out, count, pins, date, { overbooked: values.overbooked });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `Built exam ${exam.spec.examId} for site ${exam.spec.site.siteId}: ${exam.spec.candidates.length} candidates, ` +
      `${exam.spec.rooms.length} rooms, ${exam.spec.sittings.length} sittings, in ${values.out}`,
  );
  for (const s of exam.spec.sittings)
    say(`  ${s.sittingId}  ${localTime(s.scheduledStart)} (Beijing time)  ${s.subjectName}`);
  const first = exam.spec.candidates.find((c) => c.sittingIds.includes(exam.spec.sittings[0]!.sittingId));
  say(`Roster (room, seat, ticket and ID number to log in with): ${join(values.out, 'roster.csv')}`);
  say(`Arrangement codes (QR per room, scanned on the admin page): ${join(values.out, 'arrangement')}`);
  if (first) {
    // At an overbooked site no one has a seat until the proctor assigns one at entry.
    const seat = first.seatNo === null ? 'seat assigned at entry' : `seat ${first.seatNo}`;
    say(`  e.g. ${first.roomId} ${seat}: ticket ${first.ticketNo}, ID number ${first.idNumber}`);
  }
}
