/**
 * The notice fixes batch times in Beijing time, and every site keeps it: file names and
 * printed times are in the site's local time, never in UTC or the machine's own zone.
 */
export const SITE_TIME_ZONE = 'Asia/Shanghai';

/**
 * The same zone as a fixed offset, UTC+8, for code that shifts an instant and reads it as
 * UTC (dates an approval code is valid for, printed times). Fixed is exact: China has kept
 * no daylight saving time since 1991, so the offset never changes across the year.
 */
export const SITE_UTC_OFFSET_MS = 8 * 3_600_000;

/** The site's local date, `2021-10-23`: the day an approval code is issued for. */
export function siteLocalDate(epochMs: number): string {
  return new Date(epochMs + SITE_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** The site's local date and time to the minute, `2021-10-23 08:30`, as printed. */
export function siteLocalDateTime(epochMs: number): string {
  return new Date(epochMs + SITE_UTC_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

const stampFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: SITE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * The site's local time as a file-name stamp: `20211023-1012`, or `20211023-101233` with
 * seconds. Sorts in time order and reads as the clock on the exam-room wall.
 */
export function siteTimeStamp(epochMs: number, opts: { seconds?: boolean } = {}): string {
  const part = new Map(stampFormat.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  const hhmm = `${part.get('hour')}${part.get('minute')}`;
  const time = opts.seconds ? `${hhmm}${part.get('second')}` : hhmm;
  return `${part.get('year')}${part.get('month')}${part.get('day')}-${time}`;
}
