import { describe, expect, it } from 'vitest';
import { type ChainLink, chainHash, GENESIS_HASH, verifyHashChain } from './hashChain.js';

function buildChain(payloads: unknown[]): ChainLink[] {
  let prevHash = GENESIS_HASH;
  return payloads.map((payload) => {
    const hash = chainHash(prevHash, payload);
    const link = { prevHash, hash, payload };
    prevHash = hash;
    return link;
  });
}

const events = [
  { action: 'sitting.started', by: 'proctor-1', at: 1 },
  { action: 'answer.saved', by: 'cand-7', at: 2 },
  { action: 'extension.granted', by: 'proctor-1', at: 3, minutes: 5 },
  { action: 'sitting.ended', by: 'proctor-1', at: 4 },
];

describe('hash chain', () => {
  it('GENESIS_HASH is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('chainHash is sha256 over prevHash, a newline and the canonical payload', () => {
    // sha256("0"*64 + "\n" + '{"a":1}'), computed independently with sha256sum.
    expect(chainHash(GENESIS_HASH, { a: 1 })).toBe(
      'f21735afd2cd6af4fc5804b0045cebfd545aef8396d29d030c39cb8880b45b7f',
    );
    expect(chainHash(GENESIS_HASH, { a: 2 })).not.toBe(chainHash(GENESIS_HASH, { a: 1 }));
  });

  it('accepts a valid chain and an empty one', () => {
    expect(verifyHashChain(buildChain(events))).toEqual({ ok: true });
    expect(verifyHashChain([])).toEqual({ ok: true });
  });

  it('accepts a chain continued from a given start hash', () => {
    const full = buildChain(events);
    expect(verifyHashChain(full.slice(2), full[1]?.hash)).toEqual({ ok: true });
    expect(verifyHashChain(full.slice(2))).toMatchObject({ ok: false, index: 0 });
  });

  it('detects an edited payload at its index', () => {
    const chain = buildChain(events);
    chain[2] = { ...chain[2]!, payload: { ...events[2], minutes: 50 } };
    expect(verifyHashChain(chain)).toMatchObject({
      ok: false,
      index: 2,
      reason: expect.stringContaining('altered'),
    });
  });

  it('detects a removed link at the index after the gap', () => {
    const chain = buildChain(events);
    chain.splice(1, 1);
    expect(verifyHashChain(chain)).toMatchObject({
      ok: false,
      index: 1,
      reason: expect.stringContaining('removed'),
    });
  });

  it('detects reordered links at the first moved index', () => {
    const chain = buildChain(events);
    [chain[1], chain[2]] = [chain[2]!, chain[1]!];
    expect(verifyHashChain(chain)).toMatchObject({ ok: false, index: 1 });
  });

  it('detects a rewritten hash even when the next link was rewritten to match', () => {
    const chain = buildChain(events);
    const forged = chainHash(chain[0]!.hash, { action: 'nothing happened' });
    chain[1] = { prevHash: chain[0]!.hash, hash: forged, payload: events[1] };
    expect(verifyHashChain(chain)).toMatchObject({ ok: false, index: 1 });
  });
});
