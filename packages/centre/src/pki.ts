import { createRootCertificate, generateKeyPair, issueCertificate, siteTlsHostName } from '@exam/crypto';

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
  /**
   * The site server's TLS certificate (HTTPS/WSS on the LAN), issued by the centre for
   * `site-<siteId>.exam.internal`. A key of its own: the TLS key lives on the server's disk
   * and in its TLS library, the site key only opens and signs packages.
   */
  siteTls: Credential & { hostName: string };
  /**
   * The province's key (issue 18, role 'province'), issued by the centre root: backups (the
   * site's after every sitting, each console's after the day's last) are sealed for it.
   */
  province: Credential & { provinceId: string };
}

/** What the exam data says of the province: whom the site's and consoles' backups are for. */
export interface ProvinceRef {
  provinceId: string;
  certPem: string;
}

export function provinceRef(pki: Pick<ExamPki, 'province'>): ProvinceRef {
  return { provinceId: pki.province.provinceId, certPem: pki.province.certPem };
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
export function createExamPki(
  siteId: string,
  opts: { validFrom?: Date; validDays?: number; provinceId?: string } = {},
): ExamPki {
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
  const centre = { certPem: centreCert, privateKeyPem: centreKeys.privateKeyPem };
  return {
    centre,
    site: { certPem: siteCert, privateKeyPem: siteKeys.privateKeyPem, siteId },
    siteTls: issueSiteTlsCredential(centre, siteId, { validFrom, validDays }),
    province: issueProvinceCredential(centre, opts.provinceId ?? 'PROVINCE', { validFrom, validDays }),
  };
}

/** The province's credential (role 'province'), signed by the centre root. */
export function issueProvinceCredential(
  centre: Credential,
  provinceId: string,
  opts: { validFrom?: Date; validDays?: number } = {},
): Credential & { provinceId: string } {
  const keys = generateKeyPair();
  const certPem = issueCertificate({
    issuerCertPem: centre.certPem,
    issuerPrivateKeyPem: centre.privateKeyPem,
    // The province id is the holder's locality, as a site's id is.
    subject: { commonName: `Province ${provinceId}`, role: 'province', siteId: provinceId },
    publicKeyPem: keys.publicKeyPem,
    validFrom: opts.validFrom ?? new Date(Date.now() - DAY_MS),
    validDays: opts.validDays ?? 3650,
  });
  return { certPem, privateKeyPem: keys.privateKeyPem, provinceId };
}

/** A TLS server credential for `siteId`, signed by the centre root (also to renew one). */
export function issueSiteTlsCredential(
  centre: Credential,
  siteId: string,
  opts: { validFrom?: Date; validDays?: number } = {},
): Credential & { hostName: string } {
  const keys = generateKeyPair();
  const hostName = siteTlsHostName(siteId);
  const certPem = issueCertificate({
    issuerCertPem: centre.certPem,
    issuerPrivateKeyPem: centre.privateKeyPem,
    subject: { commonName: hostName, role: 'site-server', siteId },
    publicKeyPem: keys.publicKeyPem,
    validFrom: opts.validFrom ?? new Date(Date.now() - DAY_MS),
    validDays: opts.validDays ?? 3650,
    tlsServerName: hostName,
  });
  return { certPem, privateKeyPem: keys.privateKeyPem, hostName };
}

/** The DNS name the centre's receiver serves under; sites check it (issue 18). */
export const RECEIVER_HOST_NAME = 'receiver.centre.exam';

/**
 * The centre receiver's TLS credential (role 'receiver', serverAuth for `hostName`), issued
 * by the centre root. The same key signs the receipts it returns, so a site that checked the
 * TLS peer and a receipt sees one identity; no site or site-server key can sign a receipt.
 */
export function issueReceiverTlsCredential(
  centre: Credential,
  opts: { hostName?: string; validFrom?: Date; validDays?: number } = {},
): Credential & { hostName: string } {
  const keys = generateKeyPair();
  const hostName = opts.hostName ?? RECEIVER_HOST_NAME;
  const certPem = issueCertificate({
    issuerCertPem: centre.certPem,
    issuerPrivateKeyPem: centre.privateKeyPem,
    subject: { commonName: hostName, role: 'receiver' },
    publicKeyPem: keys.publicKeyPem,
    validFrom: opts.validFrom ?? new Date(Date.now() - DAY_MS),
    validDays: opts.validDays ?? 3650,
    tlsServerName: hostName,
  });
  return { certPem, privateKeyPem: keys.privateKeyPem, hostName };
}
