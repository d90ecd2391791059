import { z } from 'zod';

/** Paper content: what a candidate sees. Answer keys never travel to the site. */
export const optionSchema = z.strictObject({ key: z.string().min(1).max(4), text: z.string().max(2000) });

const itemBase = {
  id: z.string().min(1).max(64),
  stem: z.string().max(20_000),
  points: z.number().nonnegative().max(1000),
  caseId: z.string().max(64).optional(),
};

export const itemSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...itemBase, kind: z.literal('single'), options: z.array(optionSchema).min(2).max(10) }),
  z.strictObject({ ...itemBase, kind: z.literal('multiple'), options: z.array(optionSchema).min(2).max(10) }),
  z.strictObject({ ...itemBase, kind: z.literal('truefalse') }),
  z.strictObject({ ...itemBase, kind: z.literal('text'), maxChars: z.number().int().positive().max(50_000) }),
]);
export type Item = z.infer<typeof itemSchema>;
export type ItemKind = Item['kind'];

export const caseTextSchema = z.strictObject({
  id: z.string().min(1).max(64),
  title: z.string().max(200),
  text: z.string().max(50_000),
});
export type CaseText = z.infer<typeof caseTextSchema>;

export const paperSchema = z.strictObject({
  paperId: z.string().min(1).max(64),
  subjectCode: z.string().min(1).max(32),
  title: z.string().max(200),
  instructions: z.string().max(20_000),
  cases: z.array(caseTextSchema).max(200),
  items: z.array(itemSchema).min(1).max(1000),
});
export type Paper = z.infer<typeof paperSchema>;

/**
 * An answer value. Its shape must fit the item's kind; `answerFitsItem` checks that at
 * the server, since the message schema alone cannot know the item.
 */
export const answerValueSchema = z.union([
  z.null(),
  z.boolean(),
  z.string().max(50_000),
  z.array(z.string().min(1).max(4)).max(10),
]);
export type AnswerValue = z.infer<typeof answerValueSchema>;

export function answerFitsItem(item: Item, value: AnswerValue): boolean {
  if (value === null) return true;
  switch (item.kind) {
    case 'single':
      return typeof value === 'string' && item.options.some((o) => o.key === value);
    case 'multiple':
      return (
        Array.isArray(value) &&
        new Set(value).size === value.length &&
        value.every((k) => item.options.some((o) => o.key === k))
      );
    case 'truefalse':
      return typeof value === 'boolean';
    case 'text':
      return typeof value === 'string' && value.length <= item.maxChars;
  }
}

export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}
