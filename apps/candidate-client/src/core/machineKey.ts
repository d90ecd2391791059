import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateMachineKeyPair,
  machineFingerprint,
  machinePublicKeyOf,
  signMachineProof,
} from '@exam/crypto';
import { machineProofText, type StandaloneAnswerFile } from '@exam/protocol';
import { writeStandaloneAnswerFile } from '@exam/standalone';

/** The file name of the machine key in the client's data directory. */
export const MACHINE_KEY_FILE = 'machine-key.pem';

/**
 * This test machine's identity (issue 16): an Ed25519 key made at its first start (the
 * machine check, the day before). The private key stays inside this object: it is never
 * sent, never logged and never handed out; only the public key and its fingerprint leave.
 */
export interface MachineKey {
  /** The public key as base64 of its SPKI DER, as `machine:hello` carries it. */
  readonly publicKey: string;
  /** Hex SHA-256 of the SPKI DER public key: the machine's identity at the site. */
  readonly fingerprint: string;
  /** base64 Ed25519 signature over machineProofText(siteId, challenge). */
  prove(siteId: string, challenge: string): string;
  /**
   * A standalone answer file (issue 17), signed with this key and encrypted for the site and
   * the centre: the key signs here so it never leaves this object.
   */
  sealAnswerFile(content: StandaloneAnswerFile, recipientCertPems: string[]): Buffer;
}

/** The key file exists but is not a usable key: the machine must not quietly become another. */
export class MachineKeyError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'MachineKeyError';
  }
}

/** The machine key file's path in a client data directory. */
export function machineKeyPathIn(dataDir: string): string {
  return join(dataDir, MACHINE_KEY_FILE);
}

/**
 * Reads the machine key from `path`, or makes it when the file does not exist. A file that
 * exists but cannot be read as an Ed25519 key is an error, never a reason to make a new
 * one: a new key is a new machine, which the proctor would have to approve again, and a
 * silent swap would hide a damaged or tampered disk.
 */
export function loadOrCreateMachineKey(path: string): MachineKey {
  if (!existsSync(path)) writeNewKey(path);
  const pem = readFileSync(path, 'utf8');
  let publicKey: string;
  try {
    publicKey = machinePublicKeyOf(pem);
  } catch {
    // The cause may quote the file: key material must not reach a log.
    throw new MachineKeyError(
      path,
      `The machine key file ${path} is damaged or is not an Ed25519 key. Ask the site's technician: ` +
        'the machine must be set up and approved again.',
    );
  }
  return Object.freeze({
    publicKey,
    fingerprint: machineFingerprint(publicKey),
    prove: (siteId: string, challenge: string) => signMachineProof(pem, machineProofText(siteId, challenge)),
    sealAnswerFile: (content: StandaloneAnswerFile, recipientCertPems: string[]) =>
      writeStandaloneAnswerFile({
        content,
        machineKey: { publicKey, privateKeyPem: pem },
        recipientCertPems,
      }),
  });
}

/**
 * Written to a temporary file (mode 0600 from its creation, fsync'd) and renamed into
 * place, so a crash during the first start leaves either no key or a whole one, never a
 * half-written file that would later read as damaged.
 */
function writeNewKey(path: string): void {
  const { privateKeyPem } = generateMachineKeyPair();
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, privateKeyPem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
