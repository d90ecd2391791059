import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPkcs12 } from '@exam/crypto';
import type { StandaloneAnswerFile, StandalonePackageContent } from '@exam/protocol';
import { openStandalonePackage, standaloneAnswerFileName, writeStandaloneAnswerFile } from '@exam/standalone';
import { type TestSite, testMachineFingerprint, testMachineKey } from '@exam/testkit';
import { TEST_PIN } from './consoleHarness.js';

/**
 * Files a standalone case (issue 17) needs around the console in tests and screenshots: the
 * chief examiner's key file as the centre ships it, and answer files as the target machine
 * writes them (signed with its key, encrypted for the site and the centre).
 */

/** The chief examiner's PKCS#12 key file (PIN TEST_PIN), written to `dir`; its path. */
export function chiefKeyFile(site: TestSite, dir = mkdtempSync(join(tmpdir(), 'chief-key-'))): string {
  const path = join(dir, 'chief.p12');
  writeFileSync(path, toPkcs12({ ...site.pki.chief, chainPem: [site.pki.centre.certPem], pin: TEST_PIN }));
  return path;
}

/** A room's proctor key file (PIN TEST_PIN): what must not do as consent. */
export function proctorKeyFileAt(site: TestSite, roomId: string, dir: string): string {
  const path = join(dir, `proctor-${roomId}.p12`);
  const holder = site.pki.proctors.get(roomId);
  if (!holder) throw new Error(`no proctor key for ${roomId}`);
  writeFileSync(path, toPkcs12({ ...holder, chainPem: [site.pki.centre.certPem], pin: TEST_PIN }));
  return path;
}

/** The package as the target machine opens it with the code. */
export function openPackageFile(
  site: TestSite,
  path: string,
  code: string,
  targetLabel: string,
): StandalonePackageContent {
  return openStandalonePackage(readFileSync(path), {
    trustedRootPem: site.pki.centre.certPem,
    siteId: site.trust.siteId,
    machineFingerprint: testMachineFingerprint(targetLabel),
    code,
    now: new Date(site.clock.now()),
  });
}

/** An answer file the target machine writes into `dir` (its standard name); its path. */
export function writeAnswerFile(
  pkg: StandalonePackageContent,
  targetLabel: string,
  dir: string,
  o: {
    fileSeq: number;
    changes: {
      seq: number;
      itemId: string;
      value: StandaloneAnswerFile['changes'][number]['value'];
      elapsedMs: number;
    }[];
    handIn?: { elapsedMs: number; auto: boolean } | null;
  },
): string {
  const content: StandaloneAnswerFile = {
    formatVersion: 1,
    packageId: pkg.packageId,
    fileSeq: o.fileSeq,
    siteId: pkg.siteId,
    sittingId: pkg.sittingId,
    ticketNo: pkg.candidate.ticketNo,
    machineFingerprint: pkg.targetMachineFingerprint,
    writtenElapsedMs: Math.max(0, ...o.changes.map((c) => c.elapsedMs), o.handIn?.elapsedMs ?? 0),
    changes: o.changes.map((c) => ({ ...c, flagged: false, madeAt: c.elapsedMs })),
    handIn: o.handIn ? { ...o.handIn, answersHash: 'ab'.repeat(32) } : null,
  };
  const bytes = writeStandaloneAnswerFile({
    content,
    machineKey: testMachineKey(targetLabel),
    recipientCertPems: [pkg.answerRecipients.siteCertPem, pkg.answerRecipients.centreCertPem],
  });
  const path = join(dir, standaloneAnswerFileName(pkg.candidate.ticketNo, pkg.packageId, o.fileSeq));
  writeFileSync(path, bytes);
  return path;
}
