import { canonicalJson } from './canonicalJson.js';
import { sha256Hex } from './hash.js';

/** The `prevHash` of the first link of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** sha256Hex(prevHash + '\n' + canonicalJson(payload)): any change to either part changes the hash. */
export function chainHash(prevHash: string, payload: unknown): string {
  return sha256Hex(`${prevHash}\n${canonicalJson(payload)}`);
}

export interface ChainLink {
  prevHash: string;
  hash: string;
  payload: unknown;
}

export type ChainVerdict = { ok: true } | { ok: false; index: number; reason: string };

/**
 * Checks that each link follows the one before it and that its hash covers its payload.
 * Reports the first bad link, which is where an edit, removal or reordering shows up.
 */
export function verifyHashChain(links: ChainLink[], startHash: string = GENESIS_HASH): ChainVerdict {
  let expectedPrev = startHash;
  for (const [index, link] of links.entries()) {
    if (link.prevHash !== expectedPrev) {
      return {
        ok: false,
        index,
        reason: `Entry ${index} does not follow the entry before it: an entry was removed, inserted or moved.`,
      };
    }
    let recomputed: string;
    try {
      recomputed = chainHash(link.prevHash, link.payload);
    } catch {
      return { ok: false, index, reason: `Entry ${index} holds data that cannot be hashed.` };
    }
    if (recomputed !== link.hash) {
      return {
        ok: false,
        index,
        reason: `Entry ${index} was altered after it was written: its hash does not match.`,
      };
    }
    expectedPrev = link.hash;
  }
  return { ok: true };
}
