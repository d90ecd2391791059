/**
 * Test fixture for standalone.crash.test.ts, run as its own process: a standalone session
 * (imported with the code, logged in) answering and writing answer files as fast as it can,
 * printing `seq fileSeq` only after both returned, until it is killed.
 * argv: <data dir> <package path> <code> <ID number> <centre root PEM file> <siteId>
 * (the parent's test PKI: each process makes its own).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CandidateHost } from '../../host/candidateHost.js';

const [dataDir, packagePath, code, idNumber, rootFile, siteId] = process.argv.slice(2);
if (!dataDir || !packagePath || !code || !idNumber || !rootFile || !siteId) {
  throw new Error('usage: standaloneCrashChild.ts <data> <pkg> <code> <id> <root.pem> <siteId>');
}
const host = new CandidateHost({
  core: {
    serverUrl: 'https://127.0.0.1:1',
    trust: { centreRootPem: readFileSync(rootFile, 'utf8'), siteId },
    journalPath: join(dataDir, 'answers.db'),
    clientVersion: '0.1.0',
  },
});
const inspected = host.standaloneInspect(packagePath);
if (!inspected.ok) throw new Error(inspected.error.message);
const opened = host.standaloneOpen(code);
if (!opened.ok) throw new Error(opened.error.message);
while (host.getState().connection !== 'online') await new Promise((r) => setTimeout(r, 5));
const login = await host.login(inspected.value.ticketNo, idNumber);
if (!login.ok) throw new Error(login.error.message);
while (!host.getState().paperOpen) await new Promise((r) => setTimeout(r, 5));
const item = host.getPaper()!.items.find((i) => i.kind === 'text') ?? host.getPaper()!.items[0]!;
for (let i = 0; ; i++) {
  const saved = host.saveAnswer(
    item.id,
    item.kind === 'text' ? `第${i}次`.repeat(1 + (i % 40)) : 'A',
    i % 2 === 0,
  );
  if (!saved.ok) throw new Error(saved.error.message);
  const file = host.standaloneWriteAnswerFile();
  if (!file.ok) throw new Error(file.error.message);
  process.stdout.write(`${saved.value.seq} ${file.value.fileSeq}\n`);
}
