import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AnswerVerificationError, verifyAnswerPackage } from '@exam/centre';
import { fromPkcs12, PackageError } from '@exam/crypto';

/**
 * Centre side: `verify-answers.ts --centre-dir DIR PACKAGE…`. Opens each answer package with
 * the centre key (centre.p12, PIN in EXAM_CENTRE_PIN), checks the site's signature and the
 * audit hash chain (and the approval codes used, given the keys), and prints each candidate's
 * answer counts. Exits 1 if any package fails.
 */
const { values, positionals } = parseArgs({
  options: { 'centre-dir': { type: 'string' }, quiet: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (!values['centre-dir'] || positionals.length === 0) {
  process.stderr.write('usage: verify-answers.ts --centre-dir DIR PACKAGE...\n');
  process.exit(2);
}
const centreDir = values['centre-dir'];
const centre = fromPkcs12(readFileSync(join(centreDir, 'centre.p12')), process.env.EXAM_CENTRE_PIN ?? '');
// With the approval-code keys beside the centre key (as make-exam writes them), every code
// used at the site is re-checked against what it authorised.
const keyFile = (dir: string) =>
  existsSync(join(dir, 'approval.key'))
    ? Buffer.from(readFileSync(join(dir, 'approval.key'), 'utf8'), 'base64')
    : null;
const centreKey = keyFile(centreDir);
const provinceKey = keyFile(join(centreDir, '..', 'province'));
const approvalKeys = centreKey && provinceKey ? { centre: centreKey, province: provinceKey } : undefined;

let failed = 0;
for (const path of positionals) {
  try {
    const v = verifyAnswerPackage(readFileSync(path), centre, new Date(), approvalKeys);
    process.stdout.write(
      `OK   ${path}\n     site ${v.siteId}, sitting ${v.sittingId}, signed by "${v.signer}", ` +
        `${v.auditEvents} audit events in an unbroken chain` +
        (approvalKeys ? `, ${v.approvalCodes.checked} approval code(s) re-checked\n` : '\n'),
    );
    if (!values.quiet) {
      process.stdout.write('     ticket        status      changes  answered  hand-in\n');
      for (const c of v.candidates) {
        process.stdout.write(
          `     ${c.ticketNo.padEnd(13)} ${c.status.padEnd(11)} ${String(c.changes).padStart(7)}  ${String(c.itemsAnswered).padStart(8)}  ${c.handInKind ?? '-'}\n`,
        );
      }
    }
  } catch (e) {
    failed++;
    const reason = e instanceof PackageError || e instanceof AnswerVerificationError ? e.message : String(e);
    process.stdout.write(`FAIL ${path}\n     ${reason}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
