import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StandalonePackageContent } from '@exam/protocol';
import { idCheckHash, newStandaloneCode, writeStandalonePackage } from '@exam/standalone';
import {
  type StandaloneTestWorld,
  sampleStandaloneContent,
  standaloneTestWorld,
  TEST_ID_NUMBER,
} from '@exam/standalone/testing';
import { testPki, testTrust } from '@exam/testkit';
import { machineKeyPathIn } from '../../core/machineKey.js';
import { CandidateHost } from '../../host/candidateHost.js';
import { startWebHost, type WebHost } from '../../host/webHost.js';

export { TEST_ID_NUMBER };

/**
 * A test machine for standalone mode (issue 17): the test PKI's site (the one testTrust()
 * names), a real sealed paper, and the machine's key written where the client reads it in
 * `dataDir`, so packages made for `world.machineFingerprint` are for this machine.
 */
export function standaloneMachine(dataDir: string, items = 10): StandaloneTestWorld {
  const world = standaloneTestWorld({ pki: testPki(), items });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(machineKeyPathIn(dataDir), world.machine.privateKeyPem, { mode: 0o600 });
  return world;
}

export interface WrittenPackage {
  content: StandalonePackageContent;
  code: string;
  path: string;
}

/** A standalone package as the site exports it, written to `dir` (the USB stick). */
export function writeTestPackage(
  world: StandaloneTestWorld,
  dir: string,
  o: Parameters<typeof sampleStandaloneContent>[1] & {
    remainingMs?: number;
    earliestHandInRemainingMs?: number | null;
    targetMachineFingerprint?: string;
    /** A console-built package (decision 0017, amendment): this signer and a salted ID check. */
    builtAtConsole?: { signer: { certPem: string; chainPem: string[]; privateKeyPem: string }; salt: string };
  } = {},
): WrittenPackage {
  const base = sampleStandaloneContent(world, o);
  const content: StandalonePackageContent = {
    ...base,
    remainingMs: o.remainingMs ?? base.remainingMs,
    earliestHandInRemainingMs:
      o.earliestHandInRemainingMs === undefined
        ? base.earliestHandInRemainingMs
        : o.earliestHandInRemainingMs,
    targetMachineFingerprint: o.targetMachineFingerprint ?? base.targetMachineFingerprint,
  };
  if (o.builtAtConsole) {
    const { idNumberHash: _fromSite, ...candidate } = content.candidate;
    const { salt } = o.builtAtConsole;
    content.candidate = { ...candidate, idCheck: { salt, hash: idCheckHash(salt, TEST_ID_NUMBER) } };
    content.builtBy = 'console';
  }
  const code = newStandaloneCode();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `standalone-${content.candidate.ticketNo}-${content.packageId.slice(0, 8)}.exampkg`);
  writeFileSync(
    path,
    writeStandalonePackage({ content, code, signer: o.builtAtConsole?.signer ?? world.site }),
  );
  return { content, code, path };
}

/** A wrong code that is still a well-formed one (so it counts). */
export function wrongCodeFor(code: string): string {
  const other = code[0] === '0' ? '1' : '0';
  return other + code.slice(1);
}

export interface StandaloneTestMachine {
  host: CandidateHost;
  web: WebHost;
  world: StandaloneTestWorld;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A test machine in web mode with no site server to reach (its server address is a closed
 * loopback port): all a standalone session may count on. Its key is the world's machine key.
 */
export async function startStandaloneTestMachine(o: {
  rendererDir: string;
  dir: string;
  world?: StandaloneTestWorld;
  port?: number;
  token?: string;
}): Promise<StandaloneTestMachine> {
  const dataDir = join(o.dir, 'machine');
  const world = o.world ?? standaloneMachine(dataDir);
  const host = new CandidateHost({
    core: {
      serverUrl: 'https://127.0.0.1:1',
      trust: testTrust(),
      journalPath: join(dataDir, 'answers.db'),
      clientVersion: '0.1.0',
      backoff: { minMs: 1_000, baseMs: 1_000, maxMs: 5_000 },
    },
    pushEveryMs: 200,
  });
  const web = await startWebHost({
    host,
    rendererDir: o.rendererDir,
    ...(o.port ? { port: o.port } : {}),
    ...(o.token ? { token: o.token } : {}),
  });
  return {
    host,
    web,
    world,
    dataDir,
    async stop() {
      await web.close();
      host.close();
    },
  };
}
