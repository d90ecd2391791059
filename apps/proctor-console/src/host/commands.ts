import {
  assignSeatSchema,
  candidateRefSchema,
  drawSeatSchema,
  emptySchema,
  extendSchema,
  machineApproveSchema,
  machineRefuseSchema,
  markAbsentSchema,
  noticeSchema,
  resetSchema,
  resolveTransferSchema,
  sittingCommandSchema,
  startSchema,
  transferInSchema,
  transferOutSchema,
  violationSchema,
} from '@exam/protocol';
import { z } from 'zod';
import type { ProctorCore } from '../core/index.js';
import type { CommandName } from '../shared/api.js';
import { auditHistory } from './auditHistory.js';

/**
 * The renderer is less trusted than the host: every command's arguments are parsed with the
 * protocol's own schemas before the core sees them.
 */
export const signInSchema = z.strictObject({
  serverUrl: z.url({ protocol: /^(https?|wss?)$/ }),
  keyFile: z.string().min(1).max(4096),
  pin: z.string().max(256),
  roomId: z.string().min(1).max(64).optional(),
});

/** A report or backup the console saved: opened (Electron) or read back (web mode's download). */
export const openSavedSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  how: z.enum(['open', 'reveal']),
});
export const readSavedSchema = z.strictObject({ path: z.string().min(1).max(4096) });

/** Commands the host runs itself (they need its key, files or dialogs), not the core. */
export const HOST_COMMANDS = Object.freeze([
  'signIn',
  'chooseKeyFile',
  'roomReport',
  'exportBackup',
  'openSaved',
  'readSaved',
  'standaloneMachines',
  'standaloneExport',
  'standaloneCancel',
  'standaloneCollect',
  'standaloneList',
  'transferReport',
] as const);
type RoomCommand = Exclude<CommandName, (typeof HOST_COMMANDS)[number]>;

export const ROOM_COMMANDS: {
  [K in RoomCommand]: { schema: z.ZodType; run: (core: ProctorCore, args: never) => Promise<unknown> };
} = {
  openLogin: {
    schema: sittingCommandSchema,
    run: (core, a: z.infer<typeof sittingCommandSchema>) => core.openLogin(a.sittingId),
  },
  start: {
    schema: startSchema,
    run: (core, a: z.infer<typeof startSchema>) =>
      core.start(a.sittingId, {
        ...(a.reason ? { reason: a.reason } : {}),
        ...(a.code ? { code: a.code } : {}),
      }),
  },
  checklist: {
    schema: sittingCommandSchema,
    run: (core, a: z.infer<typeof sittingCommandSchema>) => core.checklist(a.sittingId),
  },
  end: {
    schema: sittingCommandSchema,
    run: (core, a: z.infer<typeof sittingCommandSchema>) => core.end(a.sittingId),
  },
  reset: {
    schema: resetSchema,
    run: (core, a: z.infer<typeof resetSchema>) => core.reset(a.sittingId, a.ticketNo, a.reason),
  },
  extend: { schema: extendSchema, run: (core, a: z.infer<typeof extendSchema>) => core.extend(a) },
  setAbsent: {
    schema: markAbsentSchema,
    run: (core, a: z.infer<typeof markAbsentSchema>) => core.setAbsent(a.sittingId, a.ticketNo, a.absent),
  },
  recordViolation: {
    schema: violationSchema,
    run: (core, a: z.infer<typeof violationSchema>) => core.recordViolation(a),
  },
  sendNotice: {
    schema: noticeSchema,
    run: (core, a: z.infer<typeof noticeSchema>) => core.sendNotice(a.sittingId, a.text, a.ticketNo),
  },
  approveMachine: {
    schema: machineApproveSchema,
    run: (core, a: z.infer<typeof machineApproveSchema>) => core.approveMachine(a.fingerprint, a.seatNo),
  },
  refuseMachine: {
    schema: machineRefuseSchema,
    run: (core, a: z.infer<typeof machineRefuseSchema>) => core.refuseMachine(a.fingerprint),
  },
  drawSeat: {
    schema: drawSeatSchema,
    run: (core, a: z.infer<typeof drawSeatSchema>) => core.drawSeat(a.ticketNo, a.exclude),
  },
  assignSeat: {
    schema: assignSeatSchema,
    run: (core, a: z.infer<typeof assignSeatSchema>) => core.assignSeat(a.ticketNo, a.seatNo),
  },
  transferOut: {
    schema: transferOutSchema,
    run: (core, a: z.infer<typeof transferOutSchema>) => reread(core, core.transferOut(a.ticketNo, a.reason)),
  },
  transferIn: {
    schema: transferInSchema,
    run: (core, a: z.infer<typeof transferInSchema>) => reread(core, core.transferIn(a.transferId)),
  },
  resolveTransfer: {
    schema: resolveTransferSchema,
    run: (core, a: z.infer<typeof resolveTransferSchema>) =>
      reread(core, core.resolveTransfer(a.transferId, a.outcome, a.note)),
  },
  openTransfers: { schema: emptySchema, run: (core) => core.openTransfers() },
  candidateDetail: {
    schema: candidateRefSchema,
    run: async (core, a: z.infer<typeof candidateRefSchema>) => {
      const { history, ...detail } = await core.candidateDetail(a.sittingId, a.ticketNo);
      return { ...detail, history: auditHistory(history, a.ticketNo, a.sittingId) };
    },
  },
};

/**
 * A transfer's reply, once the site's transfers are read again: the site pushes them to every
 * room, but a push may be lost (§11) and the renderer should not wait for the next one.
 */
async function reread<T>(core: ProctorCore, done: Promise<T>): Promise<T> {
  const value = await done;
  await core.openTransfers().catch(() => {});
  return value;
}

export function isRoomCommand(name: string): name is RoomCommand {
  return Object.hasOwn(ROOM_COMMANDS, name);
}
