import { buildAuthorizationPackage, buildExamPackages, provinceRef, testExamSpec } from '@exam/centre';
import { randomKey } from '@exam/crypto';
import { ProtocolError } from '@exam/protocol';
import { startTestSite, type TestSite } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { importAuthorization } from './sittings/examImport.js';

/**
 * Issue 16, point 9: an authorization carries the sitting keys, so the site takes only a
 * fresh one for its own papers. An older one, one for other sittings, or one whose keys do
 * not open the imported papers is refused with a sentence, and the keys held stay.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sites: TestSite[] = [];
afterEach(async () => {
  for (const s of sites.splice(0)) await s.stop();
});

async function site(): Promise<TestSite> {
  const s = await startTestSite();
  sites.push(s);
  return s;
}

/** The centre re-issues the site's authorization with the same keys, at `issuedAt`. */
function reissue(
  s: TestSite,
  issuedAt: number,
  opts: { validFrom?: number; sittingKeys?: Map<string, Buffer> } = {},
): Buffer {
  return buildAuthorizationPackage(
    {
      examId: s.imported.examId,
      siteId: s.imported.siteId,
      sittingKeys: opts.sittingKeys ?? s.built.sittingKeys,
      approvalKeys: s.built.approvalKeys,
    },
    s.pki.centre,
    s.pki.site.certPem,
    { validFrom: new Date(opts.validFrom ?? s.juniorStart - DAY), validUntil: new Date(issuedAt + 3 * DAY) },
    new Date(issuedAt),
  );
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return (e as ProtocolError).message;
  }
  throw new Error('the import was accepted');
}

/** What the site holds: the wrapped keys and the authorization's validity. */
function held(s: TestSite) {
  const db = s.server.ctx.db;
  return {
    keys: db.prepare('SELECT sitting_id, wrapped_key FROM sitting_keys ORDER BY sitting_id').all(),
    meta: db
      .prepare(
        "SELECT key, value FROM meta WHERE key IN ('authorizedUntil', 'authorizationIssuedAt', 'approvalKeyCentre')",
      )
      .all(),
    audits: (
      db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'authorization.imported'").get() as {
        n: number;
      }
    ).n,
  };
}

describe('authorization import: freshness and fit', () => {
  it('takes a newer re-issue, then refuses the older original, naming both times', async () => {
    const s = await site();
    const original = s.built.authorization;
    const newer = reissue(s, s.juniorStart - 2 * HOUR);
    expect(importAuthorization(s.server.ctx, newer).sittings.length).toBeGreaterThan(0);
    const before = held(s);
    const message = refusal(() => importAuthorization(s.server.ctx, original));
    expect(message).toContain('before the one this site holds');
    expect(message).toContain(new Date(s.juniorStart - 2 * HOUR).toISOString());
    expect(message).toContain('nothing was replaced');
    expect(held(s)).toEqual(before);
  });

  it('refuses an authorization whose keys cannot open the imported papers', async () => {
    const s = await site();
    const before = held(s);
    // Another build of the same exam: same sittings, other keys (as for another site's papers).
    const other = buildExamPackages(
      testExamSpec({ juniorStart: new Date(s.juniorStart), province: provinceRef(s.pki) }),
      s.pki.centre,
      s.pki.site.certPem,
      { validFrom: new Date(s.juniorStart - DAY), validUntil: new Date(s.juniorStart + 2 * DAY) },
      new Date(s.juniorStart - HOUR),
    );
    const message = refusal(() => importAuthorization(s.server.ctx, other.authorization));
    expect(message).toMatch(/The key for sitting \S+ does not open its imported paper/);
    expect(message).toContain('nothing was replaced');
    expect(held(s)).toEqual(before);
  });

  it('refuses an authorization for a sitting this site does not hold', async () => {
    const s = await site();
    const before = held(s);
    const keys = new Map([...s.built.sittingKeys, ['S-OTHER', randomKey()]]);
    const message = refusal(() =>
      importAuthorization(s.server.ctx, reissue(s, s.juniorStart - HOUR, { sittingKeys: keys })),
    );
    expect(message).toContain('unknown sitting S-OTHER');
    expect(held(s)).toEqual(before);
  });

  it('refuses an authorization before its validFrom', async () => {
    const s = await site();
    const before = held(s);
    const message = refusal(() =>
      importAuthorization(
        s.server.ctx,
        reissue(s, s.juniorStart - HOUR, { validFrom: s.juniorStart + HOUR }),
      ),
    );
    expect(message).toContain('is not valid before');
    expect(held(s)).toEqual(before);
  });

  it('accepts the same authorization again (an operator re-running the import)', async () => {
    const s = await site();
    expect(() => importAuthorization(s.server.ctx, s.built.authorization)).not.toThrow();
  });
});
