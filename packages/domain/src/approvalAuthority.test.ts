import { describe, expect, it } from 'vitest';
import { approvalCodeKind, minutesText, RULES, strictestExtensionAuthority } from './index.js';

const MIN = 60_000;

describe('approval authority', () => {
  it('asks for the strictest authority any selected candidate needs', () => {
    expect(strictestExtensionAuthority([0, 0], 10 * MIN)).toBe('proctor');
    // One candidate already has 5 minutes: 5 more for all takes only that one past 10.
    expect(strictestExtensionAuthority([0, 6 * MIN], 5 * MIN)).toBe('province-code');
    expect(strictestExtensionAuthority([0, 56 * MIN, 20 * MIN], 5 * MIN)).toBe('centre-code');
    expect(strictestExtensionAuthority([], 5 * MIN)).toBe('proctor');
  });

  it('checks a province code against the province key and a centre code against the centre key', () => {
    expect(approvalCodeKind('province-code')).toBe('province');
    expect(approvalCodeKind('centre-code')).toBe('centre');
    expect(approvalCodeKind('proctor')).toBeNull();
    expect(approvalCodeKind('on-time')).toBeNull();
    expect(approvalCodeKind('city-consent')).toBeNull();
  });

  it('locks code entry after five wrong codes in ten minutes, and logins after five in a minute', () => {
    expect(RULES.approvalCodeLockout).toEqual({ maxFailures: 5, windowMs: 10 * MIN });
    expect(RULES.loginLockout).toEqual({ maxFailures: 5, windowMs: MIN });
    expect(RULES.ticketLoginLockout).toEqual({ maxFailures: 10, windowMs: 10 * MIN });
    expect(Object.isFrozen(RULES.approvalCodeLockout)).toBe(true);
  });

  it('locks standalone import on a machine for ten minutes after five wrong codes', () => {
    expect(RULES.standaloneCodeFailures).toBe(5);
    expect(RULES.standaloneCodeLockMinutes).toBe(10);
  });

  it('quotes a rule’s duration in messages as whole minutes', () => {
    expect(minutesText(RULES.loginLockout.windowMs)).toBe('1 minute');
    expect(minutesText(RULES.approvalCodeLockout.windowMs)).toBe('10 minutes');
  });
});
