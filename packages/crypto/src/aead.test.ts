import { describe, expect, it } from 'vitest';
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  openFromString,
  randomKey,
  type Sealed,
  sealToString,
} from './aead.js';
import { CryptoError } from './errors.js';

const hex = (s: string) => Buffer.from(s, 'hex');

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", appendix B, AES-256 cases.
const K15 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P15 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
const VECTORS = [
  {
    name: '13',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    aad: '',
    pt: '',
    ct: '',
    tag: '530f8afbc74536b9a963b4f1c4cb738b',
  },
  {
    name: '14',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    aad: '',
    pt: '00'.repeat(16),
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: '15',
    key: K15,
    iv: 'cafebabefacedbaddecaf888',
    aad: '',
    pt: P15,
    ct: C15,
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: '16',
    key: K15,
    iv: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    pt: P15.slice(0, 120),
    ct: C15.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
] as const;

function expectDecryptFailed(fn: () => unknown): void {
  expect(fn).toThrow(CryptoError);
  expect(fn).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
}

function flipped(b: Buffer, index = 0): Buffer {
  const copy = Buffer.from(b);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe('AES-256-GCM known answers (GCM spec test cases 13-16)', () => {
  for (const v of VECTORS) {
    const aad = v.aad ? hex(v.aad) : undefined;
    const sealed: Sealed = { iv: hex(v.iv), ciphertext: hex(v.ct), tag: hex(v.tag) };

    it(`test case ${v.name}: encrypts to the published ciphertext and tag`, () => {
      const out = aesGcmEncrypt(hex(v.key), hex(v.pt), aad, hex(v.iv));
      expect(out.ciphertext.toString('hex')).toBe(v.ct);
      expect(out.tag.toString('hex')).toBe(v.tag);
    });

    it(`test case ${v.name}: decrypts the published ciphertext to the plaintext`, () => {
      expect(aesGcmDecrypt(hex(v.key), sealed, aad).toString('hex')).toBe(v.pt);
    });

    it(`test case ${v.name}: refuses a flipped tag, ciphertext or AAD`, () => {
      expectDecryptFailed(() => aesGcmDecrypt(hex(v.key), { ...sealed, tag: flipped(sealed.tag, 15) }, aad));
      if (v.ct)
        expectDecryptFailed(() =>
          aesGcmDecrypt(hex(v.key), { ...sealed, ciphertext: flipped(sealed.ciphertext) }, aad),
        );
      const otherAad = aad ? flipped(aad, 3) : Buffer.from('x');
      expectDecryptFailed(() => aesGcmDecrypt(hex(v.key), sealed, otherAad));
    });
  }
});

describe('aesGcmEncrypt / aesGcmDecrypt', () => {
  it('round-trips with a random key and IV, and never reuses an IV', () => {
    const key = randomKey();
    const a = aesGcmEncrypt(key, Buffer.from('paper'), Buffer.from('S1'));
    const b = aesGcmEncrypt(key, Buffer.from('paper'), Buffer.from('S1'));
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(aesGcmDecrypt(key, a, Buffer.from('S1')).toString()).toBe('paper');
  });

  it('refuses the wrong key', () => {
    const sealed = aesGcmEncrypt(randomKey(), Buffer.from('paper'));
    expectDecryptFailed(() => aesGcmDecrypt(randomKey(), sealed));
  });

  it('refuses a truncated tag, which Node would otherwise accept', () => {
    const key = randomKey();
    const sealed = aesGcmEncrypt(key, Buffer.from('paper'));
    expectDecryptFailed(() => aesGcmDecrypt(key, { ...sealed, tag: sealed.tag.subarray(0, 4) }));
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => aesGcmEncrypt(Buffer.alloc(16), Buffer.from('x'))).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
  });
});

describe('sealToString / openFromString', () => {
  it('round-trips and has the v1.iv.ct.tag form', () => {
    const key = randomKey();
    const text = sealToString(key, Buffer.from('paper for sitting S1'), Buffer.from('S1'));
    expect(text).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(openFromString(key, text, Buffer.from('S1')).toString()).toBe('paper for sitting S1');
  });

  it('refuses a different AAD (the paper of another sitting)', () => {
    const key = randomKey();
    const text = sealToString(key, Buffer.from('paper'), Buffer.from('S1'));
    expectDecryptFailed(() => openFromString(key, text, Buffer.from('S2')));
  });

  it('refuses an altered ciphertext', () => {
    const key = randomKey();
    const [v, iv, ct, tag] = sealToString(key, Buffer.from('paper')).split('.');
    const ctBytes = flipped(Buffer.from(ct ?? '', 'base64url'));
    expectDecryptFailed(() => openFromString(key, [v, iv, ctBytes.toString('base64url'), tag].join('.')));
  });

  it.each([
    '',
    'v1.a.b',
    'v2.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA',
    'v1.AA+A.AA.AA',
    'v1.a.b.c.d',
  ])('refuses malformed text %j', (text) => {
    expect(() => openFromString(randomKey(), text)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_SEALED' }),
    );
  });
});
