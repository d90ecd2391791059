import { z } from 'zod';
import { answerValueSchema } from './paper.js';
import { safeText } from './safeText.js';

/**
 * One answer change: the one shape it has from the candidate's journal to the answer package
 * (issue 15). Every other shape of it is this plus who or when, derived here or beside its
 * message, never restated field by field; snake_case rows exist only in the `*Table.ts`
 * modules that store it.
 */
export const answerChangeSchema = z.strictObject({
  /** Per candidate and sitting, from 1, assigned by the candidate's journal. */
  seq: z.number().int().positive().max(10_000_000),
  itemId: safeText(64, 1),
  value: answerValueSchema,
  flagged: z.boolean(),
  /**
   * When the candidate made it, in integer ms on the sitting clock as the test machine
   * estimates it. The machine says so: the server bounds it but trusts it for nothing yet.
   */
  madeAt: z.number().int().nonnegative(),
});
export type AnswerChange = z.infer<typeof answerChangeSchema>;

/**
 * A change as the site stored it (and packages it): plus when the server received it, and
 * whether it arrived after the candidate's end (or hand-in), made in time on a machine that
 * was offline (issue 16). Absent in records from site software before that: not late.
 */
export const answerChangeRecordSchema = answerChangeSchema.extend({
  receivedAt: z.number().int(),
  lateArrival: z.boolean().optional(),
  /**
   * Where the change was made (issue 17): absent or 'online' on a machine connected to the
   * site; 'standalone' on a machine without a network, collected from its answer file, with
   * the package it was made under. Absent in records from site software before that.
   */
  source: z.enum(['online', 'standalone']).optional(),
  standalonePackageId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});
export type AnswerChangeRecord = z.infer<typeof answerChangeRecordSchema>;
