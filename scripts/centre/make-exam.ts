import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildExamPackages, createExamPki } from '@exam/centre';
import { toPkcs12 } from '@exam/crypto';
import { demoExam } from '../demo/examSpec.js';

/**
 * Centre side: `make-exam.ts --out DIR [--candidates 60]` issues a centre root and a site key,
 * and builds the signed, encrypted exam data and authorization packages for the demo site.
 * Writes centre/ (centre.p12), site/ (site.p12, centre-root.pem) and packages/.
 * PINs come from EXAM_CENTRE_PIN and EXAM_SITE_PIN.
 */
export function makeDemoExam(out: string, count: number, pins: { centre: string; site: string }) {
  const exam = demoExam(count);
  const pki = createExamPki(exam.spec.site.siteId, {
    validFrom: new Date('2021-09-01T00:00:00Z'),
    validDays: 3650,
  });
  const built = buildExamPackages(
    exam.spec,
    pki.centre,
    pki.site.certPem,
    { validFrom: new Date('2021-10-22T00:00:00+08:00'), validUntil: new Date('2021-10-25T00:00:00+08:00') },
    new Date('2021-10-20T09:00:00+08:00'),
  );
  for (const d of ['centre', 'site', 'packages']) mkdirSync(join(out, d), { recursive: true });
  writeFileSync(join(out, 'centre', 'centre.p12'), toPkcs12({ ...pki.centre, pin: pins.centre }), {
    mode: 0o600,
  });
  writeFileSync(
    join(out, 'site', 'site.p12'),
    toPkcs12({ ...pki.site, chainPem: [pki.centre.certPem], pin: pins.site }),
    {
      mode: 0o600,
    },
  );
  writeFileSync(join(out, 'site', 'centre-root.pem'), pki.centre.certPem);
  writeFileSync(join(out, 'packages', 'exam-data.exampkg'), built.examData);
  writeFileSync(join(out, 'packages', 'authorization.exampkg'), built.authorization);
  return { exam, pki, built };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, candidates: { type: 'string', default: '60' } },
  });
  if (!values.out) {
    process.stderr.write('usage: make-exam.ts --out DIR [--candidates N]\n');
    process.exit(2);
  }
  const { exam } = makeDemoExam(values.out, Number(values.candidates), {
    centre: process.env.EXAM_CENTRE_PIN ?? '',
    site: process.env.EXAM_SITE_PIN ?? '',
  });
  process.stdout.write(
    `Built exam ${exam.spec.examId} for site ${exam.spec.site.siteId}: ${exam.spec.candidates.length} candidates, ` +
      `${exam.spec.rooms.length} rooms, ${exam.spec.sittings.length} sittings, in ${values.out}\n`,
  );
}
