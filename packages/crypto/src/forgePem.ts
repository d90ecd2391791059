import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { CryptoError } from './errors.js';

/**
 * The few places where node-forge objects meet PEM text. forge writes CRLF line endings;
 * everything this package returns uses LF, as Node's crypto does.
 */
export function parseCertificate(pem: string, what = 'certificate'): forge.pki.Certificate {
  const der = certificateDer(pem, what);
  let tree: forge.asn1.Asn1;
  let cert: forge.pki.Certificate;
  try {
    tree = forge.asn1.fromDer(der.toString('binary'));
    cert = forge.pki.certificateFromAsn1(tree);
  } catch (cause) {
    throw new CryptoError(
      'MALFORMED_CERTIFICATE',
      `The ${what} could not be read as an RSA X.509 certificate.`,
      {
        cause,
      },
    );
  }
  checkStrictEncoding(der, tree, what);
  return cert;
}

/**
 * forge reads chains, Node's crypto reads the keys: a certificate must be one both read
 * alike. forge accepts some DER that Node refuses (a bit flip in a package's signer
 * certificate crashed the import instead of refusing it), and neither compares the
 * unsigned outer signature algorithm with the signed one (RFC 5280 §4.1.1.2), which would
 * let one signed certificate travel under several fingerprints. `tree` is forge's reading
 * of `der`.
 */
function checkStrictEncoding(der: Buffer, tree: forge.asn1.Asn1, what: string): void {
  const malformed = (why: string, cause?: unknown) =>
    new CryptoError('MALFORMED_CERTIFICATE', `The ${what} is not a well-formed X.509 certificate: ${why}.`, {
      cause,
    });
  try {
    new X509Certificate(der);
  } catch (cause) {
    throw malformed('its DER encoding is invalid', cause);
  }
  const outer = tree.value as forge.asn1.Asn1[];
  const tbs = outer[0]?.value as forge.asn1.Asn1[];
  // The TBS certificate starts with an explicit [0] version when it has one.
  const signedAlgorithm = tbs[tbs[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 2 : 1];
  const outerAlgorithm = outer[1];
  if (
    !signedAlgorithm ||
    !outerAlgorithm ||
    forge.asn1.toDer(signedAlgorithm).getBytes() !== forge.asn1.toDer(outerAlgorithm).getBytes()
  ) {
    throw malformed('its signature algorithm differs from the one it was signed with');
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
