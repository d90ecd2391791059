import {
  createRootCertificate,
  generateKeyPair,
  type KeyPair,
  randomKey,
  sealToString,
  sha256Hex,
  sign,
} from '@exam/crypto';
import { type Paper, type PaperProof, paperStatement } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';
import { openPaper } from './openPaper.js';

const SITTING = 'S-JUNIOR';

function paper(title: string): Paper {
  return {
    paperId: 'P-JUNIOR',
    subjectCode: '01',
    title,
    instructions: '',
    cases: [],
    items: [
      {
        id: 'q1',
        kind: 'single',
        stem: '1 + 1 = ?',
        points: 1,
        options: [
          { key: 'A', text: '1' },
          { key: 'B', text: '2' },
        ],
      },
    ],
  };
}

interface Root {
  keys: KeyPair;
  certPem: string;
}

function makeRoot(name: string): Root {
  const keys = generateKeyPair();
  return { keys, certPem: createRootCertificate({ commonName: name, keyPair: keys, validDays: 30 }) };
}

/** What a centre (or a rogue pretending to be one) sends a site for one sitting. */
function sealAndSign(signer: Root, p: Paper, key = randomKey()) {
  const plain = Buffer.from(JSON.stringify(p));
  const sealed = sealToString(key, plain, Buffer.from(SITTING));
  const proof: PaperProof = {
    paperId: p.paperId,
    paperSha256: sha256Hex(plain),
    signature: sign(
      paperStatement({
        sittingId: SITTING,
        paperId: p.paperId,
        sealedSha256: sha256Hex(sealed),
        paperSha256: sha256Hex(plain),
      }),
      signer.keys.privateKeyPem,
    ).toString('base64'),
  };
  return { key, sealed, proof };
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof CoreError ? e.code : `not a CoreError: ${String(e)}`;
  }
  return 'opened';
}

let centre: Root;
let rogue: Root;
beforeAll(() => {
  centre = makeRoot('Exam Centre Root');
  rogue = makeRoot('Exam Centre Root');
});

describe('a test machine opens only the paper the exam centre signed', () => {
  it('opens a paper the centre sealed and signed', () => {
    const { key, sealed, proof } = sealAndSign(centre, paper('初级经济基础'));
    expect(openPaper(key, sealed, SITTING, proof, centre.certPem).title).toBe('初级经济基础');
  });

  it("refuses a rogue server's paper sealed with its own key and signed by its own root", () => {
    const forged = sealAndSign(rogue, paper('考试取消，请离开考场'));
    expect(refusal(() => openPaper(forged.key, forged.sealed, SITTING, forged.proof, centre.certPem))).toBe(
      LOCAL_ERROR_CODES.PAPER_UNTRUSTED,
    );
  });

  it("refuses a rogue paper that borrows the real paper's signature", () => {
    const real = sealAndSign(centre, paper('初级经济基础'));
    const forged = sealAndSign(rogue, paper('假试卷'));
    expect(refusal(() => openPaper(forged.key, forged.sealed, SITTING, real.proof, centre.certPem))).toBe(
      LOCAL_ERROR_CODES.PAPER_UNTRUSTED,
    );
  });

  it('refuses a signed paper claimed for another sitting', () => {
    const { key, sealed, proof } = sealAndSign(centre, paper('初级经济基础'));
    expect(refusal(() => openPaper(key, sealed, 'S-SENIOR', proof, centre.certPem))).toBe(
      LOCAL_ERROR_CODES.PAPER_UNTRUSTED,
    );
  });

  it('says the key is wrong, not the signature, when the real paper meets a wrong key', () => {
    const { sealed, proof } = sealAndSign(centre, paper('初级经济基础'));
    expect(refusal(() => openPaper(randomKey(), sealed, SITTING, proof, centre.certPem))).toBe(
      LOCAL_ERROR_CODES.PAPER_UNREADABLE,
    );
  });
});
