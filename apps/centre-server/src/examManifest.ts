import type { ExamSpec } from '@exam/centre';
import { safeText } from '@exam/protocol';
import { z } from 'zod';
import type { ReceiverExam } from './options.js';

/**
 * The least the receiver must know of an exam the centre built: its id, and per site the
 * sittings whose answers must come in (what the status page calls missing). A JSON file the
 * centre writes beside the exam packages; `receiverExamOf` derives it from the exam's spec.
 */
const id = safeText(64, 1);
export const receiverExamManifestSchema = z.strictObject({
  examId: id,
  sites: z
    .array(z.strictObject({ siteId: id, sittingIds: z.array(id).min(1).max(500) }))
    .min(1)
    .max(100_000),
});
export type ReceiverExamManifest = z.infer<typeof receiverExamManifestSchema>;

export function parseReceiverExamManifest(text: string): ReceiverExam {
  return receiverExamManifestSchema.parse(JSON.parse(text));
}

/** Merges the specs of one exam's sites (make-exam builds one spec per site) into a manifest. */
export function receiverExamOf(specs: readonly ExamSpec[]): ReceiverExamManifest {
  const examIds = new Set(specs.map((s) => s.examId));
  if (examIds.size !== 1) throw new Error('A receiver exam is built from the specs of one exam.');
  return {
    examId: specs[0]!.examId,
    sites: specs.map((s) => ({ siteId: s.site.siteId, sittingIds: s.sittings.map((t) => t.sittingId) })),
  };
}
