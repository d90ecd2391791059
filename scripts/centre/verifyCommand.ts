/**
 * The command a person types to re-check answer packages at the centre, as the demo prints
 * it at its end. Kept here so the README test runs exactly this line with `--help`.
 */
export function verifyAnswersCommand(o: {
  centrePin: string;
  centreDir: string;
  exportsDir: string;
}): string {
  return `EXAM_CENTRE_PIN=${o.centrePin} npx -y pnpm@10.34.9 verify-answers --centre-dir ${o.centreDir} ${o.exportsDir}/*.exampkg`;
}
