import { readFileSync } from 'node:fs';
import { parseCommand, parseCommandArgs, UsageError, usageExit } from '@exam/cli';
import { type ApprovalParams, issueApprovalCode } from '@exam/crypto';

/**
 * Province side (or centre side, with the centre's key): issues the short approval code a
 * person reads to a proctor over the phone, for a delayed start or a time extension.
 *
 *   issue-code --key-file province/approval.key --kind extension --authority province \
 *     --site SITE-01 --room R01 --sitting S-J-ECON --date 2021-10-23 \
 *     --tickets 210400100001,210400100002 --minutes 15 [--serial 0]
 *
 * The key file holds the approval key in base64 (as make-exam writes it); it is never printed.
 */
export { UsageError };

const ISSUE_CODE = {
  name: 'issue-code',
  usage: `issue-code --key-file FILE --kind delayed-start|extension --authority province|centre
         --site SITE --room ROOM --sitting SITTING --date YYYY-MM-DD
         [--tickets T1,T2 --minutes N] [--serial 0..31]
  --key-file FILE  the approval key in base64, as make-exam writes it (province/ or centre/approval.key)
  --date           the sitting's local date
  --tickets, --minutes  an extension's candidates (ticket numbers) and minutes (1..240)
Prints the 10-character code to read to the proctor.`,
  options: {
    'key-file': { type: 'string' },
    kind: { type: 'string' },
    authority: { type: 'string' },
    site: { type: 'string' },
    room: { type: 'string' },
    sitting: { type: 'string' },
    date: { type: 'string' },
    tickets: { type: 'string' },
    minutes: { type: 'string' },
    serial: { type: 'string', default: '0' },
  },
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TICKET = /^\d{8,20}$/;

type IssueCodeValues = ReturnType<typeof parseCommandArgs<typeof ISSUE_CODE>>['values'];

export function paramsFromArgs(argv: string[]): { keyFile: string; params: ApprovalParams; serial: number } {
  return paramsFromValues(parseCommandArgs(ISSUE_CODE, argv).values);
}

function paramsFromValues(values: IssueCodeValues): {
  keyFile: string;
  params: ApprovalParams;
  serial: number;
} {
  const need = (name: keyof typeof values): string => {
    const v = values[name];
    if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} is required`);
    return v;
  };
  const kind = need('kind');
  if (kind !== 'delayed-start' && kind !== 'extension')
    throw new UsageError('--kind is delayed-start or extension');
  const authority = need('authority');
  if (authority !== 'province' && authority !== 'centre')
    throw new UsageError('--authority is province or centre');
  const date = need('date');
  if (!DATE.test(date)) throw new UsageError('--date is the sitting’s local date, YYYY-MM-DD');
  const serial = Number(values.serial);
  if (!Number.isInteger(serial) || serial < 0 || serial > 31) throw new UsageError('--serial is 0..31');
  const params: ApprovalParams = {
    kind,
    authority,
    siteId: need('site'),
    roomId: need('room'),
    sittingId: need('sitting'),
    date,
  };
  if (kind === 'extension') {
    const tickets = need('tickets')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (tickets.length === 0 || !tickets.every((t) => TICKET.test(t)))
      throw new UsageError('--tickets is a comma-separated list of ticket numbers');
    const minutes = Number(need('minutes'));
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240)
      throw new UsageError('--minutes is a whole number from 1 to 240');
    params.tickets = tickets;
    params.minutes = minutes;
  } else if (values.tickets || values.minutes) {
    throw new UsageError('a delayed-start code names no tickets or minutes');
  }
  return { keyFile: need('key-file'), params, serial };
}

export function readApprovalKey(path: string): Buffer {
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < 16) throw new UsageError(`${path} does not hold a base64 approval key`);
  return key;
}

export function issueCodeFromArgs(argv: string[]): string {
  const { keyFile, params, serial } = paramsFromArgs(argv);
  return issueApprovalCode(readApprovalKey(keyFile), params, serial);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseCommand(ISSUE_CODE);
  try {
    const { keyFile, params, serial } = paramsFromValues(values);
    process.stdout.write(`${issueApprovalCode(readApprovalKey(keyFile), params, serial)}\n`);
  } catch (e) {
    if (e instanceof UsageError) usageExit(ISSUE_CODE, e.message);
    process.stderr.write(`issue-code: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
