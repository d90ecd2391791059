import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnswerVerificationError, type VerifiedAnswers, verifyAnswerPackage } from '@exam/centre';
import { parseCommand, usageExit } from '@exam/cli';
import { fromPkcs12, PackageError } from '@exam/crypto';

/**
 * Centre side: `verify-answers --centre-dir DIR PACKAGE…`. Opens each answer package with
 * the centre key (centre.p12, PIN in EXAM_CENTRE_PIN), checks the site's signature and the
 * audit hash chain, reconciles every extension, start and hand-in in the sittings data with
 * its audit event and approval code (re-checked with the keys), and prints each candidate's
 * answer counts. Exits 1 if any package fails, and for an interim export unless
 * `--allow-interim` is given: an interim export is not the sitting's last word.
 */
const VERIFY_ANSWERS = {
  name: 'verify-answers',
  usage: `verify-answers --centre-dir DIR [--quiet] [--allow-interim] PACKAGE...
  --centre-dir DIR  holds centre.p12 (PIN in EXAM_CENTRE_PIN) and approval.key, as make-exam writes it
  --quiet           one line per package, without the candidates
  --allow-interim   accept an interim export (rooms still running) instead of failing it
Exits 1 if any package fails, or is an interim export without --allow-interim.`,
  options: {
    'centre-dir': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'allow-interim': { type: 'boolean', default: false },
  },
  allowPositionals: true,
} as const;
const { values, positionals } = parseCommand(VERIFY_ANSWERS);
const centreDir = values['centre-dir'];
if (!centreDir) usageExit(VERIFY_ANSWERS, '--centre-dir is required');
if (positionals.length === 0) usageExit(VERIFY_ANSWERS, 'name at least one answer package');
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

const STATUS_ZH: Record<string, string> = { answering: '正在作答', 'not-started': '未开始作答' };

/** One line a centre clerk reads first: is this the sitting's final package? */
function finalityTag(v: VerifiedAnswers): string {
  const missing = `${v.notHandedIn.length} 人未交卷 (${v.notHandedIn.length} not handed in)`;
  switch (v.finality.kind) {
    case 'final':
      return v.notHandedIn.length === 0
        ? '最终答卷包 FINAL'
        : `最终答卷包 FINAL，但 ${missing}，请与考点核实`;
    case 'interim':
      return `临时导出，不是最终答卷包 INTERIM — 考场 ${v.finality.roomsNotEnded.join('、')} 未结束考试，${missing}`;
    case 'unstated':
      return `未注明是否最终 UNSTATED（旧版考点软件所写）— ${missing}`;
  }
}

/** What the tag means, the rooms not ended and the candidates not handed in. */
function finalityLines(v: VerifiedAnswers): string[] {
  const lines =
    v.finality.kind === 'final'
      ? ['最终答卷包：写出时本场次所有考场均已结束考试。 Final: every room of the sitting had ended.']
      : v.finality.kind === 'interim'
        ? [
            '临时导出：写出时仍有考场在考试，考生仍可能作答；请等待考点上报最终答卷包。',
            'Interim: exported while rooms were still running; wait for the final package.',
            `未结束的考场 (rooms not ended): ${v.finality.roomsNotEnded.join(', ')}`,
          ]
        : [
            '未注明：旧版考点软件所写，无法从文件得知是否最终；有未交卷考生即不是最终答卷包。',
            'Unstated: written by older site software; if anyone below had not handed in, it is not final.',
          ];
  if (v.notHandedIn.length > 0) {
    lines.push(`未交卷的考生 (not handed in, ${v.notHandedIn.length}):`);
    for (const c of v.notHandedIn) {
      lines.push(`  ${c.ticketNo.padEnd(13)} ${c.roomId.padEnd(8)} ${c.status} ${STATUS_ZH[c.status] ?? ''}`);
    }
  }
  if (v.lateArrivals.length > 0) {
    lines.push(
      `迟到的作答记录 (late arrivals: made in time, received after the end while offline, ${v.lateArrivals.length}):`,
    );
    for (const c of v.lateArrivals) {
      const made = new Date(c.madeAt).toISOString();
      const received = new Date(c.receivedAt).toISOString();
      lines.push(
        `  ${c.ticketNo.padEnd(13)} ${c.roomId.padEnd(8)} #${c.seq} ${c.itemId} 作答于 made ${made} 收到于 received ${received}`,
      );
    }
  }
  if (v.standalone.cases.length > 0) {
    lines.push(
      `单机考试 (standalone packages: chief examiner's consent verified, answers collected, ${v.standalone.cases.length}):`,
    );
    for (const c of v.standalone.cases) {
      lines.push(
        `  ${c.ticketNo.padEnd(13)} ${c.packageId} 同意 consent ${c.consentBy ?? '-'} ${c.consentVerified ? 'OK' : 'FAIL'}, ` +
          `回收 collected ${c.collected ? 'OK' : 'FAIL'}, ${c.changes} 条单机作答 standalone change(s)`,
      );
    }
    for (const c of v.standalone.changes) {
      lines.push(
        `  ${c.ticketNo.padEnd(13)} ${c.roomId.padEnd(8)} #${c.seq} ${c.itemId} 单机 standalone ${c.packageId.slice(0, 8)} 作答于 made ${new Date(c.madeAt).toISOString()}`,
      );
    }
  }
  return lines;
}

/** Why an intact package is still not accepted: interim without the flag, codes unchecked. */
function packageRefusals(v: VerifiedAnswers): string[] {
  const out: string[] = [];
  if (v.finality.kind === 'interim' && !values['allow-interim']) {
    out.push(
      '拒绝：临时导出不是最终答卷包；如确需核对临时导出，请加 --allow-interim。',
      'Refused: an interim export is not the final package; pass --allow-interim to check it anyway.',
    );
  }
  if (v.reconciliation.uncheckedCodes > 0) {
    out.push(
      `${v.reconciliation.uncheckedCodes} approval code(s) could not be re-checked: approval.key is missing ` +
        `from ${centreDir} or from the province directory beside it.`,
    );
  }
  return out;
}

let failed = 0;
for (const path of positionals) {
  try {
    const v = verifyAnswerPackage(readFileSync(path), centre, new Date(), approvalKeys);
    const refusals = packageRefusals(v);
    // "OK" says the package is intact and accepted; the words after it say whether it is the
    // last word. An interim export is intact but refused unless asked for.
    if (refusals.length > 0) failed++;
    process.stdout.write(`${refusals.length > 0 ? 'FAIL' : 'OK  '} ${path}  ${finalityTag(v)}\n`);
    for (const line of refusals) process.stdout.write(`     ${line}\n`);
    const r = v.reconciliation;
    process.stdout.write(
      `     site ${v.siteId}, sitting ${v.sittingId}, signed by "${v.signer}", ` +
        `${v.auditEvents} audit events in an unbroken chain` +
        (approvalKeys ? `, ${v.approvalCodes.checked} approval code(s) re-checked\n` : '\n'),
    );
    process.stdout.write(
      `     reconciled with the audit chain: ${r.extensionsChecked} extension(s), ` +
        `${r.startsChecked} start(s), ${r.handInsChecked} hand-in hash(es)\n`,
    );
    if (!values.quiet) {
      for (const line of finalityLines(v)) process.stdout.write(`     ${line}\n`);
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
