import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildExamPackages, createExamPki, issueKeyHolder } from '@exam/centre';
import { certificateFingerprint, toPkcs12 } from '@exam/crypto';
import { demoExam } from '../demo/examSpec.js';

/**
 * Centre side: `make-exam.ts --out DIR [--candidates 60]` issues a centre root and a site key,
 * and builds the signed, encrypted exam data and authorization packages for the demo site.
 * Writes centre/ (centre.p12, approval.key), site/ (site.p12, centre-root.pem), keys/ (a proctor
 * key per room and the chief examiner's), province/ (approval.key) and packages/.
 * PINs come from EXAM_CENTRE_PIN, EXAM_SITE_PIN and EXAM_PROCTOR_PIN.
 */
export function makeDemoExam(
  out: string,
  count: number,
  pins: { centre: string; site: string; proctor: string },
) {
  const exam = demoExam(count);
  const validity = { validFrom: new Date('2021-09-01T00:00:00Z'), validDays: 3650 };
  const pki = createExamPki(exam.spec.site.siteId, validity);
  // A proctor key (监考锁) per room and the chief examiner's key, registered for this exam.
  const holders = [
    ...exam.spec.rooms.map((r) =>
      issueKeyHolder(pki, { role: 'proctor', roomId: r.roomId, holder: `${r.name}监考` }, validity),
    ),
    issueKeyHolder(pki, { role: 'chief', roomId: null, holder: '考点主考' }, validity),
  ];
  const registeredKeys = holders.map((h) => ({
    fingerprint: certificateFingerprint(h.certPem),
    role: h.role,
    roomId: h.roomId,
    holder: h.holder,
  }));
  const built = buildExamPackages(
    { ...exam.spec, registeredKeys },
    pki.centre,
    pki.site.certPem,
    { validFrom: new Date('2021-10-22T00:00:00+08:00'), validUntil: new Date('2021-10-25T00:00:00+08:00') },
    new Date('2021-10-20T09:00:00+08:00'),
  );
  for (const d of ['centre', 'site', 'packages', 'keys', 'province'])
    mkdirSync(join(out, d), { recursive: true });
  for (const h of holders) {
    const file = h.role === 'chief' ? 'chief.p12' : `proctor-${h.roomId}.p12`;
    writeFileSync(
      join(out, 'keys', file),
      toPkcs12({ ...h, chainPem: [pki.centre.certPem], pin: pins.proctor }),
      {
        mode: 0o600,
      },
    );
  }
  // The keys approval codes are issued with: the province's and the centre's own.
  writeFileSync(join(out, 'province', 'approval.key'), built.approvalKeys.province.toString('base64'), {
    mode: 0o600,
  });
  writeFileSync(join(out, 'centre', 'approval.key'), built.approvalKeys.centre.toString('base64'), {
    mode: 0o600,
  });
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
  return { exam, pki, built, holders };
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
    proctor: process.env.EXAM_PROCTOR_PIN ?? '',
  });
  process.stdout.write(
    `Built exam ${exam.spec.examId} for site ${exam.spec.site.siteId}: ${exam.spec.candidates.length} candidates, ` +
      `${exam.spec.rooms.length} rooms, ${exam.spec.sittings.length} sittings, in ${values.out}\n`,
  );
}
