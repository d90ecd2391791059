import { readFileSync } from 'node:fs';
import { parseCommand, usageExit } from '@exam/cli';
import { fromPkcs12 } from '@exam/crypto';
import { BackupCheckFailed, checkBackup, describeBackup, type ProvinceKey } from './checkBackup.js';

/**
 * Province side (issue 18): `check-backup --key province.p12 [--centre-root centre-root.pem]
 * FILE...` opens each backup (a site server's or a console's), checks its signature chain to
 * the centre root, decrypts it with the province key, checks a site database's integrity and
 * audit chain, and prints what it holds. Exit 1 if any file fails, with the reason.
 */
const CHECK_BACKUP = {
  name: 'check-backup',
  usage: `check-backup --key province.p12 [--centre-root centre-root.pem] FILE...
  --key FILE          the province's key file (make-exam writes province/province.p12)
  --centre-root FILE  the centre root to trust (default: the one inside the key file)
PIN of the key file: EXAM_PROVINCE_PIN.`,
  allowPositionals: true,
  options: {
    key: { type: 'string' },
    'centre-root': { type: 'string' },
  },
} as const;

export function loadProvinceKey(keyFile: string, pin: string, centreRootFile?: string): ProvinceKey {
  const opened = fromPkcs12(readFileSync(keyFile), pin);
  const centreRootPem = centreRootFile ? readFileSync(centreRootFile, 'utf8') : opened.chainPem.at(-1);
  if (!centreRootPem) throw new BackupCheckFailed('The key file holds no centre root: give --centre-root.');
  return { certPem: opened.certPem, privateKeyPem: opened.privateKeyPem, centreRootPem };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseCommand(CHECK_BACKUP);
  if (!values.key) usageExit(CHECK_BACKUP, '--key is required');
  if (positionals.length === 0) usageExit(CHECK_BACKUP, 'name at least one backup file');
  const pin = process.env.EXAM_PROVINCE_PIN ?? '';
  if (!pin) usageExit(CHECK_BACKUP, 'set EXAM_PROVINCE_PIN to the PIN of the key file');
  let key: ProvinceKey;
  try {
    key = loadProvinceKey(values.key, pin, values['centre-root']);
  } catch (e) {
    process.stderr.write(`check-backup: the key file cannot be opened: ${(e as Error).message}\n`);
    process.exit(1);
  }
  let failed = 0;
  for (const file of positionals) {
    try {
      process.stdout.write(`${describeBackup(file, checkBackup(readFileSync(file), key))}\n`);
    } catch (e) {
      failed++;
      const why = e instanceof BackupCheckFailed ? e.message : `cannot be read: ${(e as Error).message}`;
      process.stderr.write(`FAILED  ${file}: ${why}\n`);
    }
  }
  if (failed > 0) {
    process.stderr.write(`${failed} of ${positionals.length} backups failed the check.\n`);
    process.exit(1);
  }
}
