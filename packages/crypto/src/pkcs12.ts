import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { CryptoError } from './errors.js';
import { certificateToPem, forgePrivateKey, keyMatchesCertificate, parseCertificate } from './forgePem.js';

// PKCS#12 is node-forge's job (ARCHITECTURE §10). These files hold a private key: never
// log their bytes, the PIN or the key that comes out.

/**
 * Key-derivation iterations for the key bag and MAC: above forge's and OpenSSL's 2048,
 * yet ~0.2 s in forge's pure-JS PBKDF2 so tests and start-up stay quick. A short PIN is
 * guessable whatever the count; the file's custody is the real protection.
 */
const PBE_ITERATIONS = 10_000;

/** The holder's key, its certificate and the chain up to (not including) the root, behind a PIN. */
export function toPkcs12(opts: {
  certPem: string;
  privateKeyPem: string;
  chainPem?: string[];
  pin: string;
}): Buffer {
  const cert = parseCertificate(opts.certPem);
  const key = forgePrivateKey(opts.privateKeyPem);
  if (!keyMatchesCertificate(key, cert)) {
    throw new CryptoError('KEY_MISMATCH', 'The private key does not belong to the certificate.');
  }
  const chain = (opts.chainPem ?? []).map((pem) => parseCertificate(pem, 'chain certificate'));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert, ...chain], opts.pin, {
    algorithm: 'aes256',
    count: PBE_ITERATIONS,
    generateLocalKeyId: true,
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Opens a PKCS#12 file. A wrong PIN is CryptoError('BAD_PIN'). */
export function fromPkcs12(
  p12: Buffer,
  pin: string,
): { certPem: string; privateKeyPem: string; chainPem: string[] } {
  const pfx = openPfx(p12, pin);
  const keys = bagsOf(pfx, forge.pki.oids.pkcs8ShroudedKeyBag ?? '', 'key');
  const certs = bagsOf(pfx, forge.pki.oids.certBag ?? '', 'cert');
  const [key, ...extraKeys] = keys;
  if (!key || extraKeys.length > 0) malformed('it must hold exactly one private key');
  const leaf = certs.find((cert) => keyMatchesCertificate(key, cert));
  if (!leaf) malformed('it holds no certificate for its private key');
  // Re-export through Node so callers get PKCS#8, the same form as generateKeyPair().
  const privateKeyPem = createPrivateKey(forge.pki.privateKeyToPem(key))
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return {
    certPem: certificateToPem(leaf),
    privateKeyPem,
    chainPem: certs.filter((cert) => cert !== leaf).map(certificateToPem),
  };
}

function openPfx(p12: Buffer, pin: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
  } catch (cause) {
    throw new CryptoError('MALFORMED_PKCS12', 'The key file is not a PKCS#12 (.p12) file.', { cause });
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, true, pin);
  } catch (cause) {
    // forge reports a failed MAC check, which is what a wrong PIN looks like, as
    // "PKCS#12 MAC could not be verified. Invalid password?".
    const message = (cause as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && /password/i.test(message)) {
      throw new CryptoError('BAD_PIN', 'The PIN for the key file is wrong.', { cause });
    }
    throw new CryptoError('MALFORMED_PKCS12', 'The key file is damaged and cannot be opened.', { cause });
  }
}

function bagsOf<K extends 'key' | 'cert'>(
  pfx: forge.pkcs12.Pkcs12Pfx,
  bagType: string,
  field: K,
): NonNullable<forge.pkcs12.Bag[K]>[] {
  const bags = pfx.getBags({ bagType })[bagType] ?? [];
  return bags.flatMap((bag) => {
    const value = bag[field];
    if (!value) malformed(`one of its ${field} entries cannot be read`);
    return [value as NonNullable<forge.pkcs12.Bag[K]>];
  });
}

function malformed(why: string): never {
  throw new CryptoError('MALFORMED_PKCS12', `The key file cannot be used: ${why}.`);
}
