import { CryptoError, verifyCertificate, verifySignature } from '@exam/crypto';
import type { AuditEvent, ReceivedAnswerPackage } from '@exam/protocol';

/** One change that came home in a standalone answer file (issue 17). */
export interface StandaloneChange {
  ticketNo: string;
  roomId: string;
  seq: number;
  itemId: string;
  packageId: string;
  madeAt: number;
  receivedAt: number;
}

/** One standalone package the changes name, and what the audit chain says of it. */
export interface StandaloneCase {
  packageId: string;
  ticketNo: string;
  changes: number;
  /** The chief examiner who consented (their registered name), from the export event. */
  consentBy: string | null;
  /** The consent's signature verified against the centre root and the exported statement. */
  consentVerified: boolean;
  collected: boolean;
}

export interface StandaloneFindings {
  changes: StandaloneChange[];
  cases: StandaloneCase[];
  problems: string[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Whether the consent the site recorded is the chief examiner's signature over the export of
 * this candidate in this sitting: a certificate chaining to the centre root (with the role a
 * site cannot issue), a signature over the statement, and a statement naming this export.
 */
function consentHolds(
  e: AuditEvent,
  pkg: ReceivedAnswerPackage,
  ticketNo: string,
  centreRootPem: string,
): boolean {
  const consent = record(record(e.data).consent);
  const { statement, signature, certPem } = consent;
  if (typeof statement !== 'string' || typeof signature !== 'string' || typeof certPem !== 'string') {
    return false;
  }
  const lines = statement.split('\n');
  if (
    lines[0] !== 'exam-standalone-consent/v1' ||
    lines[1] !== 'export' ||
    lines[2] !== pkg.siteId ||
    lines[3] !== pkg.sittingId ||
    lines[4] !== ticketNo
  ) {
    return false;
  }
  try {
    const cert = verifyCertificate(certPem, { trustedRootPem: centreRootPem, at: new Date(e.at) });
    if (cert.subject.siteId !== undefined && cert.subject.siteId !== pkg.siteId) return false;
  } catch (err) {
    if (err instanceof CryptoError) return false;
    throw err;
  }
  return verifySignature(statement, Buffer.from(signature, 'base64'), certPem);
}

/**
 * The standalone changes of an answer package, and for each package they name: an export
 * event for that candidate carrying a chief examiner's consent that verifies, and a
 * collection event. A standalone change without both is a problem the centre is told of.
 */
export function checkStandaloneChanges(
  pkg: ReceivedAnswerPackage,
  centreRootPem: string,
): StandaloneFindings {
  const changes: StandaloneChange[] = pkg.candidates.flatMap((c) =>
    c.changes.flatMap((ch) =>
      ch.source === 'standalone'
        ? [
            {
              ticketNo: c.ticketNo,
              roomId: c.roomId,
              seq: ch.seq,
              itemId: ch.itemId,
              packageId: ch.standalonePackageId ?? '',
              madeAt: ch.madeAt,
              receivedAt: ch.receivedAt,
            },
          ]
        : [],
    ),
  );
  const byPackage = new Map<string, { ticketNo: string; changes: number }>();
  for (const ch of changes) {
    const known = byPackage.get(ch.packageId) ?? { ticketNo: ch.ticketNo, changes: 0 };
    known.changes++;
    byPackage.set(ch.packageId, known);
  }
  const problems: string[] = [];
  const cases: StandaloneCase[] = [];
  for (const [packageId, { ticketNo, changes: count }] of byPackage) {
    const subject = `${ticketNo}/${pkg.sittingId}`;
    const about = (action: string) =>
      pkg.audit.filter(
        (e) => e.action === action && e.subject === subject && record(e.data).packageId === packageId,
      );
    const exported = about('standalone.exported').at(0);
    const collected = about('standalone.collected').length > 0;
    const consentVerified = exported !== undefined && consentHolds(exported, pkg, ticketNo, centreRootPem);
    const by = exported ? record(record(exported.data).consent).by : undefined;
    cases.push({
      packageId,
      ticketNo,
      changes: count,
      consentBy: typeof by === 'string' ? by : null,
      consentVerified,
      collected,
    });
    if (!exported) {
      problems.push(
        `Candidate ${ticketNo} has ${count} standalone change(s) of package ${packageId || '(none named)'}, but the audit chain has no export event for it.`,
      );
    } else if (!consentVerified) {
      problems.push(
        `The export of standalone package ${packageId} (candidate ${ticketNo}, audit event ${exported.seq}) carries no chief examiner's consent that verifies.`,
      );
    }
    if (!collected) {
      problems.push(
        `Candidate ${ticketNo} has standalone changes of package ${packageId}, but the audit chain has no collection event for it.`,
      );
    }
  }
  return { changes, cases, problems };
}
