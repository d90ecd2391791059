import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExamPackages, createExamPki, type ExamSpec, provinceRef, testExamSpec } from '@exam/centre';
import { ProtocolError } from '@exam/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createSiteServer, type SiteServer } from './app.js';
import { ManualClock } from './clock.js';
import { importExamData } from './sittings/examImport.js';

/**
 * The notice's second junior subject starts 40 minutes after the first ends (08:30–10:00,
 * then 10:40). Exam data that seats a candidate in two sittings closer than that is refused
 * whole, with a sentence naming the candidate and both sittings.
 */
const MIN = 60_000;
const juniorStart = new Date(Date.UTC(2021, 9, 23, 0, 30)); // 08:30 at the site
const validity = { validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 3650 * 2 };
const pki = createExamPki('SITE-T', validity);
const servers: { server: SiteServer; dir: string }[] = [];

afterEach(async () => {
  for (const { server, dir } of servers.splice(0)) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The test exam with its practice sitting `practiceAfterMs` after the first starts; ticket 1 sits both. */
function examWithBothSittings(practiceAfterMs: number): ExamSpec {
  const spec = testExamSpec({
    juniorStart,
    rooms: 1,
    perRoom: 2,
    practicePerRoom: 1,
    province: provinceRef(pki),
  });
  return {
    ...spec,
    sittings: spec.sittings.map((s) =>
      s.sittingId === 'S-J-PRAC'
        ? { ...s, scheduledStart: new Date(juniorStart.getTime() + practiceAfterMs).toISOString() }
        : s,
    ),
    candidates: spec.candidates.map((c, i) => (i === 0 ? { ...c, sittingIds: ['S-J-ECON', 'S-J-PRAC'] } : c)),
  };
}

function importInto(spec: ExamSpec) {
  const built = buildExamPackages(
    spec,
    pki.centre,
    pki.site.certPem,
    {
      validFrom: new Date(juniorStart.getTime() - 86_400_000),
      validUntil: new Date(juniorStart.getTime() + 86_400_000),
    },
    new Date(juniorStart.getTime() - 86_400_000),
  );
  const dir = mkdtempSync(join(tmpdir(), 'site-import-'));
  const server = createSiteServer({
    dataDir: dir,
    clock: new ManualClock(juniorStart.getTime() - 60 * MIN),
    identity: {
      certPem: pki.site.certPem,
      privateKeyPem: pki.site.privateKeyPem,
      trustedRootPem: pki.centre.certPem,
    },
    tls: { certPem: pki.siteTls.certPem, privateKeyPem: pki.siteTls.privateKeyPem },
  });
  servers.push({ server, dir });
  return { server, run: () => importExamData(server.ctx, built.examData) };
}

describe('exam data import: the gap between a candidate’s sittings', () => {
  it('imports two sittings 40 minutes apart, end of the first to start of the second', () => {
    const { run } = importInto(examWithBothSittings((90 + 40) * MIN));
    expect(run()).toMatchObject({ sittings: 3, candidates: 3 });
  });

  it('refuses 39 minutes, naming the candidate and both sittings, and imports nothing', () => {
    const spec = examWithBothSittings((90 + 39) * MIN);
    const first = spec.candidates[0]!;
    const { server, run } = importInto(spec);
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    const message = (error as ProtocolError).message;
    expect(message).toContain(first.ticketNo);
    expect(message).toContain(first.name);
    expect(message).toContain('S-J-ECON (2021-10-23 08:30)');
    expect(message).toContain('S-J-PRAC (2021-10-23 10:39)');
    expect(message).toContain('39 minutes');
    expect(message).toContain('40 minutes');
    // Nothing stored: the same server still takes a corrected package.
    expect(server.ctx.db.prepare('SELECT count(*) AS n FROM candidates').get()).toEqual({ n: 0 });
    expect(server.ctx.db.prepare("SELECT value FROM meta WHERE key = 'examId'").get()).toBeUndefined();
  });
});

describe('exam data import: the province backups are sealed for (issue 18)', () => {
  const base = () => testExamSpec({ juniorStart, rooms: 1, perRoom: 2, province: provinceRef(pki) });
  const other = createExamPki('SITE-T', validity);

  it('keeps the province certificate the centre issued', () => {
    const { server, run } = importInto(base());
    run();
    expect(server.ctx.db.prepare("SELECT value FROM meta WHERE key = 'provinceCertPem'").get()).toEqual({
      value: pki.province.certPem,
    });
  });

  it.each([
    [
      'a certificate of another role (the site’s)',
      { provinceId: 'P', certPem: pki.site.certPem },
      /has role site, not province/,
    ],
    ['a province certificate from another centre', provinceRef(other), /not issued by the centre root/],
  ])('refuses %s and imports nothing', (_name, province, message) => {
    const { server, run } = importInto({ ...base(), province });
    expect(run).toThrow(message);
    expect(server.ctx.db.prepare("SELECT value FROM meta WHERE key = 'examId'").get()).toBeUndefined();
  });
});
