import { createRootCertificate, generateKeyPair, issueCertificate } from '@exam/crypto';

export interface Credential {
  certPem: string;
  privateKeyPem: string;
}

export interface ExamPki {
  /** The centre's root: signs exam data and authorizations, receives answers. */
  centre: Credential;
  /** One site's key (考务锁), issued by the centre. */
  site: Credential & { siteId: string };
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
