import forge from 'node-forge';
import { CryptoError } from './errors.js';

/**
 * The few places where node-forge objects meet PEM text. forge writes CRLF line endings;
 * everything this package returns uses LF, as Node's crypto does.
 */
export function parseCertificate(pem: string, what = 'certificate'): forge.pki.Certificate {
  certificateDer(pem, what);
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (cause) {
    throw new CryptoError(
      'MALFORMED_CERTIFICATE',
      `The ${what} could not be read as an RSA X.509 certificate.`,
      {
        cause,
      },
    );
  }
}

/** The exact DER bytes inside a PEM holding one certificate (not a re-encoding). */
export function certificateDer(pem: string, what = 'certificate'): Buffer {
  let blocks: ReturnType<typeof forge.pem.decode>;
  try {
    blocks = typeof pem === 'string' ? forge.pem.decode(pem) : [];
  } catch {
    blocks = [];
  }
  const [block] = blocks;
  if (blocks.length !== 1 || block === undefined || block.type !== 'CERTIFICATE') {
    throw new CryptoError(
      'MALFORMED_CERTIFICATE',
      `The ${what} is not a PEM file holding exactly one certificate.`,
    );
  }
  return Buffer.from(block.body, 'binary');
}

export function certificateToPem(cert: forge.pki.Certificate): string {
  return lf(forge.pki.certificateToPem(cert));
}

/** `privateKeyPem` is key material: never log it or put it in an error. */
export function forgePrivateKey(privateKeyPem: string): forge.pki.rsa.PrivateKey {
  try {
    return forge.pki.privateKeyFromPem(privateKeyPem);
  } catch {
    throw new CryptoError('BAD_KEY', 'The private key could not be read as an RSA key.');
  }
}

export function forgePublicKey(publicKeyPem: string): forge.pki.rsa.PublicKey {
  try {
    return forge.pki.publicKeyFromPem(publicKeyPem) as forge.pki.rsa.PublicKey;
  } catch {
    throw new CryptoError('BAD_KEY', 'The public key could not be read as an RSA key.');
  }
}

/** True when the private key belongs to the certificate's public key. */
export function keyMatchesCertificate(key: forge.pki.rsa.PrivateKey, cert: forge.pki.Certificate): boolean {
  const pub = cert.publicKey as forge.pki.rsa.PublicKey;
  return pub.n.equals(key.n) && pub.e.equals(key.e);
}

export function lf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
