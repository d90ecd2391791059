import { SITE_TIME_ZONE } from '@exam/domain';

/** Figures as the admin reads them: sizes, times in the site's zone, fingerprints short. */

export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: SITE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: SITE_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** `2021/10/23 08:30` in the site's time, whatever the browser's zone. */
export function dateTimeText(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const t = typeof at === 'string' ? Date.parse(at) : at;
  return Number.isNaN(t) ? String(at) : DATE_TIME.format(t);
}

export function timeText(at: number): string {
  return TIME.format(at);
}

/** The first 16 hex of a fingerprint in groups of four: enough to compare with a key's label. */
export function fingerprintShort(hex: string): string {
  return (hex.slice(0, 16).match(/.{1,4}/g) ?? []).join(' ');
}

export function hashShort(hex: string): string {
  return `${hex.slice(0, 12)}…`;
}
