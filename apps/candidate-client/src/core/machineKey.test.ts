import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateMachineKey, MachineKeyError, machineKeyPathIn } from './machineKey.js';

describe('the machine key store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'machine-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes an Ed25519 key at the first start, readable by its owner only', () => {
    const path = machineKeyPathIn(dir);
    const key = loadOrCreateMachineKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const spki = Buffer.from(key.publicKey, 'base64');
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('ed25519');
    expect(spki.length).toBeLessThanOrEqual(100);
    expect(key.fingerprint).toBe(createHash('sha256').update(spki).digest('hex'));
    const signature = Buffer.from(key.prove('site-1', 'Y2hhbGxlbmdl'), 'base64');
    const signed = Buffer.from('exam-machine-proof\nsite-1\nY2hhbGxlbmdl', 'utf8');
    expect(verify(null, signed, publicKey, signature)).toBe(true);
  });

  it('is the same machine after a restart', () => {
    const path = machineKeyPathIn(dir);
    const first = loadOrCreateMachineKey(path);
    const again = loadOrCreateMachineKey(path);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.publicKey).toBe(first.publicKey);
  });

  it('refuses a damaged key file instead of quietly becoming a new machine', () => {
    const path = machineKeyPathIn(dir);
    loadOrCreateMachineKey(path);
    const pem = readFileSync(path, 'utf8');
    writeFileSync(path, pem.slice(0, 40));
    expect(() => loadOrCreateMachineKey(path)).toThrow(MachineKeyError);
    expect(() => loadOrCreateMachineKey(path)).toThrow(/damaged/);
    // The damaged file is left for a person to look at, not replaced.
    expect(readFileSync(path, 'utf8')).toBe(pem.slice(0, 40));
  });

  it('refuses a key file that holds some other kind of key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const path = machineKeyPathIn(dir);
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(() => loadOrCreateMachineKey(path)).toThrow(/Ed25519/);
  });
});
