import { createRootCertificate, generateKeyPair, issueCertificate } from '@exam/crypto';

export interface Credential {
  certPem: string;
  privateKeyPem: string;
}

export interface KeyHolder extends Credential {
  role: 'proctor' | 'chief';
  roomId: string | null;
  holder: string;
}

export interface ExamPki {
  /** The centre's root: signs exam data and authorizations, receives answers. */
  centre: Credential;
  /** One site's key (考务锁), issued by the centre. */
  site: Credential & { siteId: string };
}

/** A proctor key (监考锁) for one room, or the chief examiner's key for the site. */
export function issueKeyHolder(
  pki: ExamPki,
  h: { role: 'proctor' | 'chief'; roomId: string | null; holder: string },
  opts: { validFrom?: Date; validDays?: number } = {},
): KeyHolder {
  const keys = generateKeyPair();
  const certPem = issueCertificate({
    issuerCertPem: pki.centre.certPem,
    issuerPrivateKeyPem: pki.centre.privateKeyPem,
    subject: {
      commonName: h.holder,
      role: h.role,
      siteId: pki.site.siteId,
      ...(h.roomId ? { roomId: h.roomId } : {}),
    },
    publicKeyPem: keys.publicKeyPem,
    validFrom: opts.validFrom ?? new Date(Date.now() - DAY_MS),
    validDays: opts.validDays ?? 3650,
  });
  return { ...h, certPem, privateKeyPem: keys.privateKeyPem };
}

const DAY_MS = 86_400_000;

/** A centre root and one site credential, as the centre would issue before an exam. */
export function createExamPki(siteId: string, opts: { validFrom?: Date; validDays?: number } = {}): ExamPki {
  const validFrom = opts.validFrom ?? new Date(Date.now() - DAY_MS);
  const validDays = opts.validDays ?? 3650;
  const centreKeys = generateKeyPair();
  const centreCert = createRootCertificate({
    commonName: 'Exam Centre Root',
    keyPair: centreKeys,
    validFrom,
    validDays,
  });
  const siteKeys = generateKeyPair();
  const siteCert = issueCertificate({
    issuerCertPem: centreCert,
    issuerPrivateKeyPem: centreKeys.privateKeyPem,
    subject: { commonName: `Site ${siteId}`, role: 'site', siteId },
    publicKeyPem: siteKeys.publicKeyPem,
    validFrom,
    validDays,
  });
  return {
    centre: { certPem: centreCert, privateKeyPem: centreKeys.privateKeyPem },
    site: { certPem: siteCert, privateKeyPem: siteKeys.privateKeyPem, siteId },
  };
}
