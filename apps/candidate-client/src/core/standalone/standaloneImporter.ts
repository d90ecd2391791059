import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SiteTrust } from '@exam/crypto';
import {
  inspectStandalonePackage,
  normaliseStandaloneCode,
  openStandalonePackage,
  STANDALONE_ERROR_CODES,
  StandaloneError,
  type StandalonePackageHeader,
} from '@exam/standalone';
import { CoreError, LOCAL_ERROR_CODES } from '../errors.js';
import type { StoredStandalonePackage } from '../journal/standaloneTable.js';
import { openPaper } from '../openPaper.js';
import type { StandaloneStore } from './standaloneStore.js';

/** A package is the paper plus a photo and the answers: far below this. */
const MAX_PACKAGE_BYTES = 64 * 1024 * 1024;

export interface InspectedPackage {
  header: StandalonePackageHeader;
  /** The package active on this machine already (a restart, imported again): no code needed. */
  resumes: boolean;
}

export interface StandaloneImporterOptions {
  store: StandaloneStore;
  /** What this machine was installed with: the centre root and its site. */
  trust: SiteTrust;
  /** This machine's own fingerprint: a package for another machine is refused. */
  machineFingerprint: string;
  /** This machine's wall clock, for the code lock (the only clock that survives a restart). */
  wallNow?: () => number;
}

/**
 * The proctor's import of a standalone package (issue 17), in two steps: `inspect` reads the
 * file and checks all but the code (signature to the centre root, this site, this machine, not
 * expired, not used here), so the proctor sees whose package it is; `open` takes the code.
 * Wrong codes count in the journal (RULES.standaloneCodeFailures, then a lock of
 * standaloneCodeLockMinutes, kept across restarts). Nothing is stored before the code opened
 * the package and its paper carries the exam centre's signature.
 */
export class StandaloneImporter {
  private inspected: { bytes: Buffer; path: string; header: StandalonePackageHeader } | null = null;
  private readonly wallNow: () => number;

  constructor(private readonly o: StandaloneImporterOptions) {
    this.wallNow = o.wallNow ?? Date.now;
  }

  inspect(path: string): InspectedPackage {
    this.inspected = null;
    this.requireUnlocked();
    const full = resolve(path);
    let bytes: Buffer;
    try {
      if (statSync(full).size > MAX_PACKAGE_BYTES) throw new Error('too large');
      bytes = readFileSync(full);
    } catch {
      throw new CoreError(LOCAL_ERROR_CODES.STANDALONE_UNREADABLE, `No package could be read from ${full}.`);
    }
    const header = refusing(() => inspectStandalonePackage(bytes, this.reader()));
    const active = this.o.store.active();
    if (active && active.packageId !== header.packageId) {
      throw new CoreError(
        LOCAL_ERROR_CODES.STANDALONE_OTHER_ACTIVE,
        'Another candidate’s standalone package is active on this machine.',
        { ticketNo: active.content.candidate.ticketNo },
      );
    }
    if (!active && this.o.store.get(header.packageId)) {
      throw new CoreError(
        LOCAL_ERROR_CODES.STANDALONE_USED,
        'This package has been used on this machine already.',
      );
    }
    this.inspected = { bytes, path: full, header };
    return { header, resumes: active !== null };
  }

  /** The package inspected last, opened with `code` and kept in the journal; or the active one again. */
  open(code: string): StoredStandalonePackage {
    const inspected = this.inspected;
    if (!inspected) throw new CoreError(LOCAL_ERROR_CODES.STANDALONE_NONE, 'Choose the package first.');
    const active = this.o.store.active();
    if (active?.packageId === inspected.header.packageId) return active;
    this.requireUnlocked();
    const normalised = normaliseStandaloneCode(code);
    if (!normalised) {
      throw new CoreError(
        LOCAL_ERROR_CODES.STANDALONE_CODE_MALFORMED,
        'An authorization code is 12 letters and digits (XXXX-XXXX-XXXX).',
      );
    }
    let content: ReturnType<typeof openStandalonePackage>;
    try {
      content = openStandalonePackage(inspected.bytes, { ...this.reader(), code: normalised });
    } catch (e) {
      if (e instanceof StandaloneError && e.code === STANDALONE_ERROR_CODES.WRONG_CODE) {
        const lock = this.o.store.codeFailed(this.wallNow());
        if (lock.locked) throw locked(lock.lockedUntil);
        throw new CoreError(LOCAL_ERROR_CODES.STANDALONE_WRONG_CODE, 'The authorization code is wrong.', {
          remaining: lock.remaining,
        });
      }
      throw refusal(e);
    }
    this.o.store.codeSucceeded();
    this.checkPaper(content);
    if (active) {
      throw new CoreError(
        LOCAL_ERROR_CODES.STANDALONE_OTHER_ACTIVE,
        'Another candidate’s standalone package is active on this machine.',
      );
    }
    const stored = this.o.store.add(content, dirname(inspected.path), this.wallNow());
    this.inspected = null;
    return stored;
  }

  /** Forget the inspected package (the proctor went back). */
  cancel(): void {
    this.inspected = null;
  }

  /** Not a word of a paper the centre did not sign, in a package or online (openPaper). */
  private checkPaper(content: ReturnType<typeof openStandalonePackage>): void {
    const key = Buffer.from(content.paper.sittingKey, 'base64');
    try {
      openPaper(
        key,
        content.paper.sealed,
        content.sittingId,
        content.paper.proof,
        this.o.trust.centreRootPem,
      );
    } catch {
      throw new CoreError(
        LOCAL_ERROR_CODES.STANDALONE_PAPER_UNTRUSTED,
        'The paper in the package does not carry the exam centre signature.',
      );
    } finally {
      key.fill(0);
    }
  }

  private requireUnlocked(): void {
    const lock = this.o.store.codeLock(this.wallNow());
    if (lock.locked) throw locked(lock.lockedUntil);
  }

  private reader() {
    return {
      trustedRootPem: this.o.trust.centreRootPem,
      siteId: this.o.trust.siteId,
      machineFingerprint: this.o.machineFingerprint,
    };
  }
}

function locked(lockedUntil: number): CoreError {
  return new CoreError(
    LOCAL_ERROR_CODES.STANDALONE_LOCKED,
    'Too many wrong authorization codes: standalone import is locked on this machine for a while.',
    { lockedUntil },
  );
}

function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw refusal(e);
  }
}

function refusal(e: unknown): CoreError {
  if (e instanceof StandaloneError) {
    return new CoreError(LOCAL_ERROR_CODES.STANDALONE_REFUSED, e.message, { reason: e.code });
  }
  return new CoreError(LOCAL_ERROR_CODES.STANDALONE_REFUSED, 'The package could not be read.', {
    reason: STANDALONE_ERROR_CODES.BAD_FILE,
  });
}
