import { describe, expect, it } from 'vitest';
import {
  DELAYED_START_FIGURES,
  EXTENSION_FIGURES,
  extensionRequirement,
  loginOpensIn,
  startAvailability,
  startRequirement,
  suggestedMinutes,
} from './approvals.js';
import { errorText, translator } from './i18n.js';

const MIN = 60_000;
const T0 = Date.UTC(2021, 9, 23, 0, 30);

describe('what the start prompt asks for', () => {
  it('asks nothing on time, a reason up to 30 minutes late, then the province’s and the centre’s code', () => {
    expect(startRequirement(T0, T0 + 30_000)).toEqual({
      authority: 'on-time',
      needsReason: false,
      code: null,
    });
    expect(startRequirement(T0, T0 + 30 * MIN)).toMatchObject({ needsReason: true, code: null });
    expect(startRequirement(T0, T0 + 30 * MIN + 1)).toMatchObject({ needsReason: true, code: 'province' });
    expect(startRequirement(T0, T0 + 60 * MIN)).toMatchObject({ code: 'province' });
    expect(startRequirement(T0, T0 + 60 * MIN + 1)).toMatchObject({ code: 'centre' });
  });
});

describe('what the extension prompt asks for', () => {
  it('judges the cumulative total of the most-extended candidate in the selection', () => {
    expect(extensionRequirement([{ extensionMs: 0 }], 10).code).toBeNull();
    expect(extensionRequirement([{ extensionMs: 0 }, { extensionMs: 8 * MIN }], 3).code).toBe('province');
    expect(extensionRequirement([{ extensionMs: 50 * MIN }], 10).code).toBe('province');
    expect(extensionRequirement([{ extensionMs: 50 * MIN }], 11).code).toBe('centre');
  });

  it('suggests the measured downtime not yet granted, rounded up to whole minutes', () => {
    expect(suggestedMinutes([{ extensionMs: 0, suggestedExtensionMs: 7 * MIN + 1 }])).toBe(8);
    expect(suggestedMinutes([{ extensionMs: 5 * MIN, suggestedExtensionMs: 7 * MIN }])).toBe(2);
    expect(suggestedMinutes([{ extensionMs: 9 * MIN, suggestedExtensionMs: 7 * MIN }])).toBe(0);
    expect(
      suggestedMinutes([
        { extensionMs: 0, suggestedExtensionMs: 3 * MIN },
        { extensionMs: 0, suggestedExtensionMs: 6 * MIN },
      ]),
    ).toBe(6);
  });
});

describe('when the start button is live', () => {
  const opened = { scheduledStart: T0, loginOpenedAt: T0 - 30 * MIN };

  it('counts down to the scheduled start and comes alive on the second', () => {
    expect(startAvailability(opened, T0 - 13 * MIN)).toEqual({
      ready: false,
      why: 'too-early',
      inMs: 13 * MIN,
    });
    expect(startAvailability(opened, T0 - 1000)).toEqual({ ready: false, why: 'too-early', inMs: 1000 });
    expect(startAvailability(opened, T0)).toEqual({ ready: true });
  });

  it('asks for login to be opened first, even when the start is late', () => {
    expect(startAvailability({ scheduledStart: T0, loginOpenedAt: null }, T0 + 5 * MIN)).toEqual({
      ready: false,
      why: 'login-not-open',
    });
  });

  it('lets login be opened from 30 minutes before the start', () => {
    expect(loginOpensIn(T0, T0 - 43 * MIN)).toBe(13 * MIN);
    expect(loginOpensIn(T0, T0 - 30 * MIN)).toBeNull();
  });
});

describe('the thresholds the prompts quote', () => {
  it('come from the domain, in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const t = translator(lang);
      expect(t('start.cityConsent', DELAYED_START_FIGURES)).toMatch(/\b30\b/);
      expect(t('start.provinceCode', DELAYED_START_FIGURES)).toMatch(/30–60/);
      expect(t('start.centreCode', DELAYED_START_FIGURES)).toMatch(/\b60\b/);
      expect(t('extend.proctor', EXTENSION_FIGURES)).toMatch(/\b10\b/);
      expect(t('extend.province', EXTENSION_FIGURES)).toMatch(/10–60/);
      expect(t('extend.centre', EXTENSION_FIGURES)).toMatch(/\b60\b/);
      expect(errorText(t, { code: 'RATE_LIMITED', message: 'x' })).toMatch(/\b10\b/);
      expect(errorText(t, { code: 'TOO_EARLY', message: 'x' })).toMatch(/\b30\b/);
    }
  });
});
