import { describe, expect, it } from 'vitest';
import { backupLines, lineIn, missingOf } from './sittingViews.js';

describe('backupLines', () => {
  const view = {
    sittings: [
      { sittingId: 'S1', state: 'verified', backup: { path: '/b/site-S1.exambak', sha256: 'ab' } },
      { sittingId: 'S2', state: 'missing', backup: null },
    ],
    rooms: [
      { roomId: 'R1', sittingIds: ['S1', 'S2'], state: 'room-not-ended', backup: null },
      { roomId: 'R2', sittingIds: ['S2'], state: 'verified', backup: { path: '/b/R2.exambak' } },
    ],
  };

  it('gives the sitting its site backup and the backups of its rooms', () => {
    expect(backupLines(view, 'S1', ['R1', 'R2'])).toEqual([
      { kind: 'site', key: 'S1', state: 'verified', path: '/b/site-S1.exambak', sha256: 'ab' },
      { kind: 'room', key: 'R1', state: 'room-not-ended', path: null, sha256: null },
    ]);
  });

  it('says "not provided" (null) for a reply that is not a backups list, and reads odd entries as missing', () => {
    expect(backupLines(null, 'S1', [])).toBeNull();
    expect(backupLines({ ok: false }, 'S1', [])).toBeNull();
    expect(backupLines({ sittings: [{ sittingId: 'S1' }] }, 'S1', [])).toEqual([
      { kind: 'site', key: 'S1', state: 'missing', path: null, sha256: null },
    ]);
  });
});

describe('the cleanup refusal', () => {
  it('finds the missing list in the details or beside the code', () => {
    expect(missingOf({ details: { missing: ['a', 1, 'b'] } })).toEqual(['a', 'b']);
    expect(missingOf({ missing: ['c'] })).toEqual(['c']);
    expect(missingOf({})).toEqual([]);
  });

  it('shows the half of a "中文 / English" line in the chosen language', () => {
    const line = '场次 S1 尚无最终答卷包。 / Sitting S1 has no final answer package yet.';
    expect(lineIn('zh-CN', line)).toBe('场次 S1 尚无最终答卷包。');
    expect(lineIn('en', line)).toBe('Sitting S1 has no final answer package yet.');
    expect(lineIn('en', 'one language only')).toBe('one language only');
  });
});
