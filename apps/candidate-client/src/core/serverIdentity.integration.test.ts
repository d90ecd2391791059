import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RogueCertificate, type RogueSite, startRogueSite, testTrust } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type CandidateCore, createCandidateCore } from './candidateCore.js';
import type { CoreError } from './errors.js';

// Issue 16, point 2: a rogue server on the LAN (its paper, its acks, its notices) is never
// believed, because the client never gets as far as talking to it.

let dir = '';
let core: CandidateCore | null = null;
let rogue: RogueSite | null = null;
afterEach(async () => {
  core?.close();
  core = null;
  await rogue?.stop();
  rogue = null;
  rmSync(dir, { recursive: true, force: true });
});

async function eventually(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the candidate client and a server posing as the site', () => {
  const cases: [RogueCertificate, string][] = [
    ['self-made-root', 'a certificate from a root of its own'],
    ['other-site', 'a centre certificate for another site'],
  ];
  for (const [kind, what] of cases) {
    it(`refuses a server with ${what}, says so, and keeps refusing it at every retry`, async () => {
      rogue = await startRogueSite(kind);
      dir = mkdtempSync(join(tmpdir(), 'candidate-identity-'));
      const problems: CoreError[] = [];
      core = createCandidateCore({
        serverUrl: rogue.url,
        trust: testTrust(),
        journalPath: join(dir, 'journal.db'),
        clientVersion: '0.1.0',
        backoff: { minMs: 20, baseMs: 50, maxMs: 100 },
      });
      core.on('problem', (e) => problems.push(e));
      await eventually(
        'two refusals',
        () => problems.filter((p) => p.code === 'SERVER_IDENTITY').length >= 2,
      );
      const status = core.status();
      expect(status.serverIdentityRefused).toBe(true);
      // Never connected, never proved its key to that server.
      expect(status.connected).toBe(false);
      expect(status.linked).toBe(false);
      expect(status.machine.stage).toBe('unproven');
    });
  }
});
