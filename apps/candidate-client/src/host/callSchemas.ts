import { answerValueSchema } from '@exam/protocol';
import { z } from 'zod';
import { BRIDGE_METHODS, type BridgeCalls, type BridgeMethod } from '../shared/bridge.js';

/**
 * The renderer is a trust boundary (ARCHITECTURE §5): every call's arguments are parsed
 * here before the host sees them, whether they came over IPC or the web host's socket.
 */
const none = z.tuple([]);
const itemId = z.string().min(1).max(64);
const screen = z.strictObject({
  width: z.number().int().min(1).max(20_000),
  height: z.number().int().min(1).max(20_000),
  displays: z.number().int().min(0).max(16),
});

export const CALL_ARGS = Object.freeze({
  getState: none,
  getPaper: none,
  getAnswers: none,
  joinSeat: z.tuple([z.string().min(1).max(64), z.number().int().min(1).max(500)]),
  login: z.tuple([z.string().min(1).max(20), z.string().min(1).max(18)]),
  confirmLogin: none,
  finishTypingTest: none,
  setNoticeRead: z.tuple([z.boolean()]),
  enterExam: none,
  saveAnswer: z.tuple([itemId, answerValueSchema, z.boolean()]),
  handIn: none,
  finish: none,
  reportAlert: z.tuple([
    z.enum(['focus-lost', 'display-added', 'close-attempt', 'shortcut-blocked']),
    z.string().max(500),
  ]),
  acknowledgeNotice: z.tuple([z.number().int().positive()]),
  reportScreen: z.tuple([screen]),
  standaloneInspect: z.tuple([z.string().trim().min(1).max(4096)]),
  standaloneOpen: z.tuple([z.string().min(1).max(64)]),
  standaloneCancel: none,
  standaloneWriteAnswerFile: none,
} satisfies { [K in BridgeMethod]: z.ZodType<Parameters<BridgeCalls[K]>> });

export class BridgeCallError extends Error {
  constructor(
    readonly code: 'UNKNOWN_METHOD' | 'INVALID_ARGUMENTS',
    message: string,
  ) {
    super(message);
    this.name = 'BridgeCallError';
  }
}

function isMethod(m: unknown, allowed: readonly BridgeMethod[]): m is BridgeMethod {
  return typeof m === 'string' && (allowed as readonly string[]).includes(m);
}

/**
 * Calls `method` on the host with parsed arguments. `allowed` narrows what a transport
 * offers: Electron measures the screen itself, so its renderer may not report one.
 */
export async function dispatchCall(
  host: BridgeCalls,
  method: unknown,
  args: unknown,
  allowed: readonly BridgeMethod[] = BRIDGE_METHODS,
): Promise<unknown> {
  if (!isMethod(method, allowed))
    throw new BridgeCallError('UNKNOWN_METHOD', `No bridge call ${String(method)}.`);
  const parsed = CALL_ARGS[method].safeParse(args);
  if (!parsed.success) throw new BridgeCallError('INVALID_ARGUMENTS', `Invalid arguments for ${method}.`);
  const fn = host[method] as (...a: unknown[]) => unknown;
  return await fn.apply(host, parsed.data as unknown[]);
}
