import { PackageError } from './errors.js';

/**
 * The package's binary layout (ARCHITECTURE §4):
 *
 *   magic        8 bytes   "EXAMPKG\0"
 *   manifestLen  u32 BE    at most MAX_MANIFEST_BYTES
 *   manifest     canonical JSON, UTF-8
 *   signatureLen u32 BE    at most MAX_SIGNATURE_BYTES
 *   signature    RSA-PSS over the manifest bytes (version 2 with a machine signer: Ed25519)
 *   payload      AES-256-GCM ciphertext, exactly manifest.payload.length bytes
 *
 * Reading never allocates from a length field: every part is a view into the input, and
 * the length fields are bounded, so a hostile file cannot make us reserve memory.
 */
export const MAGIC = Buffer.from('EXAMPKG\0', 'latin1');
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** RSA-8192 signatures are 1024 bytes; nothing legitimate is larger. */
export const MAX_SIGNATURE_BYTES = 1024;

export interface Frame {
  manifestBytes: Buffer;
  signature: Buffer;
  payload: Buffer;
}

export function encodeFrame(frame: Frame): Buffer {
  return Buffer.concat([
    MAGIC,
    u32(frame.manifestBytes.length),
    frame.manifestBytes,
    u32(frame.signature.length),
    frame.signature,
    frame.payload,
  ]);
}

export function decodeFrame(input: Buffer): Frame {
  if (!(input instanceof Uint8Array)) {
    throw new PackageError('BAD_MAGIC', 'The package could not be read: it is not a file of bytes.');
  }
  // A view, not a copy, so a plain Uint8Array is read the same way as a Buffer.
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < MAGIC.length) {
    if (MAGIC.subarray(0, bytes.length).equals(bytes)) {
      truncated(`it is only ${bytes.length} bytes long`);
    }
    badMagic();
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) badMagic();
  let offset = MAGIC.length;

  const manifestLength = readLength(bytes, offset, 'manifest length');
  offset += 4;
  if (manifestLength > MAX_MANIFEST_BYTES) {
    throw new PackageError(
      'MALFORMED_MANIFEST',
      `The package manifest claims ${manifestLength} bytes, more than the limit of ${MAX_MANIFEST_BYTES}; the file is damaged or not a package.`,
    );
  }
  const manifestBytes = readPart(bytes, offset, manifestLength, 'manifest');
  offset += manifestLength;

  const signatureLength = readLength(bytes, offset, 'signature length');
  offset += 4;
  if (signatureLength === 0 || signatureLength > MAX_SIGNATURE_BYTES) {
    throw new PackageError(
      'BAD_SIGNATURE',
      `The package signature is ${signatureLength} bytes long, which no valid signature is; the file is damaged.`,
    );
  }
  const signature = readPart(bytes, offset, signatureLength, 'signature');
  offset += signatureLength;

  return { manifestBytes, signature, payload: bytes.subarray(offset) };
}

function readLength(bytes: Buffer, offset: number, what: string): number {
  if (bytes.length < offset + 4) truncated(`it ends inside the ${what} (${bytes.length} bytes in all)`);
  return bytes.readUInt32BE(offset);
}

function readPart(bytes: Buffer, offset: number, length: number, what: string): Buffer {
  const available = bytes.length - offset;
  if (available < length) truncated(`expected ${length} ${what} bytes, found ${available}`);
  return bytes.subarray(offset, offset + length);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function truncated(detail: string): never {
  throw new PackageError(
    'TRUNCATED',
    `The package is truncated: ${detail}. Copy the file again from its source.`,
  );
}

function badMagic(): never {
  throw new PackageError('BAD_MAGIC', 'This file is not an exam package (it does not start with EXAMPKG).');
}
