import { type Credential, handInDigest } from '@exam/centre';
import {
  chainHash,
  createRootCertificate,
  GENESIS_HASH,
  generateKeyPair,
  issueCertificate,
  writePackage,
} from '@exam/crypto';
import { type AnswerPackage, auditLinkPayload } from '@exam/protocol';

/**
 * Answer packages as a site writes them, for the receiver's tests: signed by a site key,
 * encrypted to the centre, with an audit chain that reconciles (the room's start, each
 * hand-in with the digest of its answers), big enough to need many chunks.
 */
export interface TestPackage {
  examId: string;
  siteId: string;
  sittingId: string;
  candidates?: number;
  changesPerCandidate?: number;
  /** Different values give different bytes of the same sitting (a second version). */
  exportedAt?: number;
}

export function answerPackageBytes(site: Credential, centre: Credential, o: TestPackage): Buffer {
  const n = o.candidates ?? 40;
  const perCandidate = o.changesPerCandidate ?? 30;
  const candidates: AnswerPackage['candidates'] = [];
  const events: { action: string; subject: string; data: unknown }[] = [
    {
      action: 'sitting.started',
      subject: `R1/${o.sittingId}`,
      data: { authority: 'on-time', reason: null, code: null, approval: null, delayMs: 0 },
    },
  ];
  for (let i = 0; i < n; i++) {
    const ticketNo = `2104001${String(i + 1).padStart(5, '0')}`;
    const changes = Array.from({ length: perCandidate }, (_, k) => ({
      seq: k + 1,
      itemId: `J-${String((k % 50) + 1).padStart(3, '0')}`,
      value: 'ABCD'[k % 4]!,
      flagged: false,
      madeAt: 1_000 + k,
      receivedAt: 1_100 + k,
    }));
    // Every third candidate is still answering: counts tell handed-in from not.
    const handedIn = i % 3 !== 2;
    candidates.push({
      ticketNo,
      roomId: 'R1',
      seatNo: i + 1,
      status: handedIn ? 'handed-in' : 'answering',
      handedInAt: handedIn ? 5_000 : null,
      handInKind: handedIn ? 'manual' : null,
      extensionMs: 0,
      changes,
    });
    if (handedIn) {
      events.push({
        action: 'candidate.handed-in',
        subject: `${ticketNo}/${o.sittingId}`,
        data: { handedInAt: 5_000, answersSha256: handInDigest(changes) },
      });
    }
  }
  const pkg: AnswerPackage = {
    examId: o.examId,
    siteId: o.siteId,
    sittingId: o.sittingId,
    subjectCode: 'J',
    exportedAt: o.exportedAt ?? 10_000,
    finality: { kind: 'final' },
    candidates,
    audit: chain(events),
  };
  return writePackage({
    kind: 'answers',
    payload: Buffer.from(JSON.stringify(pkg)),
    meta: { examId: o.examId, siteId: o.siteId, sittingId: o.sittingId, finality: 'final' },
    signerCertPem: site.certPem,
    signerPrivateKeyPem: site.privateKeyPem,
    recipientCertPem: centre.certPem,
  });
}

function chain(events: { action: string; subject: string; data: unknown }[]): AnswerPackage['audit'] {
  let prev = GENESIS_HASH;
  return events.map((e, i) => {
    const event = { seq: i + 1, at: 1_000 + i, actorRole: 'proctor', actorId: 'p', ...e };
    const hash = chainHash(prev, auditLinkPayload(event));
    const linked = { ...event, prevHash: prev, hash };
    prev = hash;
    return linked;
  });
}

const DAY_MS = 86_400_000;

/** Another certificate under the centre root: a second site's key, or the centre's staff. */
export function issueUnderCentre(
  centre: Credential,
  subject: { commonName: string; role: 'site' | 'admin' | 'site-server'; siteId?: string },
): Credential {
  const keys = generateKeyPair();
  const certPem = issueCertificate({
    issuerCertPem: centre.certPem,
    issuerPrivateKeyPem: centre.privateKeyPem,
    subject,
    publicKeyPem: keys.publicKeyPem,
    validFrom: new Date(Date.now() - DAY_MS),
    validDays: 30,
  });
  return { certPem, privateKeyPem: keys.privateKeyPem };
}

/** A site certificate under a root someone made themselves: looks right, chains to nothing we trust. */
export function selfMadeSiteCredential(siteId: string): Credential {
  const rootKeys = generateKeyPair();
  const root = createRootCertificate({ commonName: 'Exam Centre Root', keyPair: rootKeys, validDays: 30 });
  return issueUnderCentre(
    { certPem: root, privateKeyPem: rootKeys.privateKeyPem },
    {
      commonName: `Site ${siteId}`,
      role: 'site',
      siteId,
    },
  );
}
