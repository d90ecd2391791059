import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApprovalKeys, type Credential, issueReceiverTlsCredential } from '@exam/centre';
import { fromPkcs12, toPkcs12 } from '@exam/crypto';

export const RECEIVER_IDENTITY_FILES = Object.freeze({
  /** The centre root and its key (as make-exam writes it): opens the answer packages. */
  centre: 'centre.p12',
  /** The receiver's TLS credential, issued by the centre root; same PIN. */
  tls: 'receiver-tls.p12',
  /** The centre's approval-code key; the province's is in ../province/approval.key. */
  approvalKey: 'approval.key',
} as const);

export interface ReceiverIdentity {
  centre: Credential;
  tls: Credential;
  approvalKeys?: ApprovalKeys;
  /** True when the TLS credential was issued at this start (it had not been). */
  issuedTls: boolean;
}

/**
 * The receiver's keys from the centre's directory (PIN for every PKCS#12 file in
 * EXAM_CENTRE_PIN). The receiver holds the centre key anyway (it opens every package), so
 * on its first start it issues its own TLS credential with it and keeps it beside.
 */
export function loadReceiverIdentity(dir: string, pin: string): ReceiverIdentity {
  const centreP12 = fromPkcs12(readFileSync(join(dir, RECEIVER_IDENTITY_FILES.centre)), pin);
  const centre = { certPem: centreP12.certPem, privateKeyPem: centreP12.privateKeyPem };
  const tlsFile = join(dir, RECEIVER_IDENTITY_FILES.tls);
  let tls: Credential;
  const issuedTls = !existsSync(tlsFile);
  if (issuedTls) {
    const issued = issueReceiverTlsCredential(centre);
    tls = { certPem: issued.certPem, privateKeyPem: issued.privateKeyPem };
    writeFileSync(tlsFile, toPkcs12({ ...tls, pin }), { mode: 0o600, flag: 'wx' });
  } else {
    const p12 = fromPkcs12(readFileSync(tlsFile), pin);
    tls = { certPem: p12.certPem, privateKeyPem: p12.privateKeyPem };
  }
  const keyFile = (path: string) =>
    existsSync(path) ? Buffer.from(readFileSync(path, 'utf8').trim(), 'base64') : null;
  const centreKey = keyFile(join(dir, RECEIVER_IDENTITY_FILES.approvalKey));
  const provinceKey = keyFile(join(dir, '..', 'province', RECEIVER_IDENTITY_FILES.approvalKey));
  return {
    centre,
    tls,
    issuedTls,
    ...(centreKey && provinceKey ? { approvalKeys: { centre: centreKey, province: provinceKey } } : {}),
  };
}
