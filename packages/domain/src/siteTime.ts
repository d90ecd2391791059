/**
 * The notice fixes batch times in Beijing time, and every site keeps it: file names and
 * printed times are in the site's local time, never in UTC or the machine's own zone.
 */
export const SITE_TIME_ZONE = 'Asia/Shanghai';

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
