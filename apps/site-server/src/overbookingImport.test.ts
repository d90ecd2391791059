import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArrangementError,
  type BuiltExam,
  buildExamPackages,
  createExamPki,
  type ExamSpec,
  provinceRef,
  testExamSpec,
} from '@exam/centre';
import { readPackage, writePackage } from '@exam/crypto';
import { type ExamData, ProtocolError } from '@exam/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createSiteServer, type SiteServer } from './app.js';
import { ManualClock } from './clock.js';
import { getMeta } from './site/metaTable.js';
import { importExamData } from './sittings/examImport.js';

/**
 * Overbooking at import (annex 4, issue 19): at most machines × 1.3 candidates per room, one
 * overbooked room makes the site overbooked, no seats at an overbooked site and a seat for
 * everyone at a normal one. The centre tool refuses to build such data; a package that says
 * otherwise anyway is refused whole by the site, with the room and the figures.
 */
const MIN = 60_000;
const juniorStart = new Date(Date.UTC(2021, 9, 23, 0, 30));
const validity = { validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 3650 * 2 };
const pki = createExamPki('SITE-T', validity);
const servers: { server: SiteServer; dir: string }[] = [];

afterEach(async () => {
  for (const { server, dir } of servers.splice(0)) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const spec = (o: { perRoom: number; roomSeats: number[]; overbooked: boolean; rooms?: number }): ExamSpec =>
  testExamSpec({ juniorStart, rooms: o.rooms ?? 1, province: provinceRef(pki), items: 2, ...o });

const build = (s: ExamSpec): BuiltExam =>
  buildExamPackages(
    s,
    pki.centre,
    pki.site.certPem,
    {
      validFrom: new Date(juniorStart.getTime() - 86_400_000),
      validUntil: new Date(juniorStart.getTime() + 86_400_000),
    },
    new Date(juniorStart.getTime() - 86_400_000),
  );

/** The exam data as a centre that skipped its own check would sign it: what the site must still refuse. */
function resigned(examData: Buffer, change: (data: ExamData) => void): Buffer {
  const opened = readPackage(examData, {
    trustedRootPem: pki.centre.certPem,
    recipientPrivateKeyPem: pki.site.privateKeyPem,
    recipientCertPem: pki.site.certPem,
    expectedKind: 'exam-data',
    allowedSignerRoles: ['centre'],
    now: new Date(juniorStart.getTime() - 3_600_000),
  });
  const data = JSON.parse(opened.payload.toString('utf8'));
  change(data);
  return writePackage({
    kind: 'exam-data',
    payload: Buffer.from(JSON.stringify(data)),
    meta: opened.manifest.meta ?? {},
    signerCertPem: pki.centre.certPem,
    signerPrivateKeyPem: pki.centre.privateKeyPem,
    recipientCertPem: pki.site.certPem,
    now: new Date(juniorStart.getTime() - 86_400_000),
  });
}

function site() {
  const dir = mkdtempSync(join(tmpdir(), 'site-overbook-'));
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
  return server;
}

function refusal(server: SiteServer, bytes: Buffer): ProtocolError {
  try {
    importExamData(server.ctx, bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    // Nothing was stored: the site can still import corrected data.
    expect(getMeta(server.ctx.db, 'examId')).toBeNull();
    return e as ProtocolError;
  }
  throw new Error('the import was not refused');
}

describe('overbooked arrangement at import', () => {
  it('imports 130 candidates for 100 machines at an overbooked site, and marks the site', () => {
    const server = site();
    const built = build(spec({ perRoom: 130, roomSeats: [100], overbooked: true }));
    expect(importExamData(server.ctx, built.examData)).toMatchObject({ candidates: 130 });
    expect(getMeta(server.ctx.db, 'overbooked')).toBe('1');
  });

  it('refuses 131 candidates for 100 machines, at the centre tool and at the site', () => {
    expect(() => build(spec({ perRoom: 131, roomSeats: [100], overbooked: true }))).toThrow(ArrangementError);
    expect(() => build(spec({ perRoom: 131, roomSeats: [100], overbooked: true }))).toThrow(
      /R1.*131 名考生，100 台机位，超排上限 130/,
    );
    const server = site();
    const bytes = resigned(
      build(spec({ perRoom: 131, roomSeats: [101], overbooked: true })).examData,
      (d) => {
        d.rooms[0]!.seats = 100;
      },
    );
    const e = refusal(server, bytes);
    expect(e.code).toBe('ARRANGEMENT_REFUSED');
    expect(e.message).toContain('考场 R1（第1考场）：131 名考生，100 台机位，超排上限 130');
  });

  it('refuses a room over its machines at a site not marked overbooked', () => {
    const bytes = resigned(
      build(spec({ perRoom: 101, roomSeats: [101], overbooked: false })).examData,
      (d) => {
        d.rooms[0]!.seats = 100;
      },
    );
    const e = refusal(site(), bytes);
    expect(e.code).toBe('ARRANGEMENT_REFUSED');
    expect(e.message).toContain('101 名考生，100 台机位');
    expect(e.message).toContain('not marked overbooked');
  });

  it('refuses seat numbers at an overbooked site', () => {
    const bytes = resigned(build(spec({ perRoom: 3, roomSeats: [3], overbooked: true })).examData, (d) => {
      d.candidates[0]!.seatNo = 1;
    });
    const e = refusal(site(), bytes);
    expect(e.code).toBe('ARRANGEMENT_REFUSED');
    expect(e.message).toContain('carry no seat number');
  });

  it('refuses a candidate without a seat at a normal site', () => {
    const bytes = resigned(build(spec({ perRoom: 3, roomSeats: [3], overbooked: false })).examData, (d) => {
      d.candidates[2]!.seatNo = null;
    });
    const e = refusal(site(), bytes);
    expect(e.code).toBe('ARRANGEMENT_REFUSED');
    expect(e.message).toContain('every candidate needs a seat');
  });

  it('reads exam data from before overbooking (no flag) as a normal site', () => {
    const server = site();
    const bytes = resigned(build(spec({ perRoom: 3, roomSeats: [3], overbooked: false })).examData, (d) => {
      delete d.site.overbooked;
    });
    expect(importExamData(server.ctx, bytes)).toMatchObject({ candidates: 3 });
    expect(getMeta(server.ctx.db, 'overbooked')).toBe('0');
  });
});
