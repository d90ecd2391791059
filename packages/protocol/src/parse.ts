import type { z } from 'zod';
import { ERROR_CODES, ProtocolError } from './errors.js';

/**
 * Parse, never cast (STYLE §4). A failure becomes INVALID_MESSAGE with the first few
 * issues, short enough to log and show, and never echoing the offending value.
 */
export function parseMessage<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, `Invalid message: ${issues.join('; ')}`, { issues });
}
