import { generateKeyPairSync } from 'node:crypto';

/** PEM strings: private key as PKCS#8, public key as SPKI. Never log `privateKeyPem`. */
export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh RSA-2048 key pair, used for signing (RSA-PSS) and key wrapping (RSA-OAEP). */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
