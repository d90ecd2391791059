import { RULES, SITE_UTC_OFFSET_MS, siteLocalDate } from '@exam/domain';

const DAY_MS = 24 * 3_600_000;

/**
 * A package's dates, the same whoever builds it (the site, or a console from its replica on
 * its estimate of the site's clock): issued now, for this exam day in site time, and valid to
 * the end of that day or, for a sitting that runs past midnight, to the candidate's end plus
 * the slack the rules give.
 */
export function standalonePackageDates(
  now: number,
  remainingMs: number,
): { examDay: string; issuedAt: string; expiresAt: string } {
  const examDay = siteLocalDate(now);
  const dayEnds = Date.parse(`${examDay}T00:00:00Z`) - SITE_UTC_OFFSET_MS + DAY_MS;
  return {
    examDay,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(
      Math.max(dayEnds, now + remainingMs + RULES.standalonePackageSlackMinutes * 60_000),
    ).toISOString(),
  };
}
