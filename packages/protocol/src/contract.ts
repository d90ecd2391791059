import { z } from 'zod';
import {
  answerDeliverSchema,
  answerSaveSchema,
  clientAlertResultSchema,
  clientAlertSchema,
  emptySchema,
  handedInSchema,
  handInSchema,
  loginOpenPushSchema,
  loginResultSchema,
  loginSchema,
  machineCheckResultSchema,
  machineCheckSchema,
  noticeAckResultSchema,
  resumeSchema,
  saveResultSchema,
  serverNowSchema,
  sessionReplacedSchema,
  sessionRevokedSchema,
  sittingStartedSchema,
  sittingViewSchema,
} from './candidate.js';
import type { Ack } from './errors.js';
import {
  machineApprovedSchema,
  machineApproveResultSchema,
  machineApproveSchema,
  machineChallengeSchema,
  machineHelloSchema,
  machineJoinSchema,
  machinePendingStatusSchema,
  machineProveSchema,
  machineRefusedSchema,
  machineRefuseResultSchema,
  machineRefuseSchema,
  machineStatusSchema,
  roomJoinRequestsSchema,
} from './machine.js';
import {
  endResultSchema,
  replicaChangesSchema,
  replicaPullSchema,
  roomAlertSchema,
  roomMachinesSchema,
  roomSnapshotSchema,
  roomTilesSchema,
  sittingCommandSchema,
  startResultSchema,
  startSchema,
} from './proctor.js';
import {
  candidateDetailSchema,
  candidateRefSchema,
  endChecklistSchema,
  extendResultSchema,
  extendSchema,
  markAbsentSchema,
  noticeAcknowledgedSchema,
  noticeAckSchema,
  noticePushSchema,
  noticeSchema,
  resetSchema,
  signedInSchema,
  signInChallengeSchema,
  signInSchema,
  violationSchema,
} from './proctorActions.js';
import { backupDepositResultSchema, backupDepositSchema, backupRecipientsSchema } from './proctorBackup.js';
import {
  standaloneCancelResultSchema,
  standaloneCancelSchema,
  standaloneChallengeSchema,
  standaloneCollectResultSchema,
  standaloneCollectSchema,
  standaloneExportResultSchema,
  standaloneExportSchema,
  standaloneListSchema,
  standaloneMachinesSchema,
  standaloneOfflineKitSchema,
  standaloneRegisterResultSchema,
  standaloneRegisterSchema,
} from './proctorStandalone.js';
import {
  assignSeatResultSchema,
  assignSeatSchema,
  drawSeatResultSchema,
  drawSeatSchema,
  resolveTransferSchema,
  roomTransfersSchema,
  transferInSchema,
  transferOutSchema,
  transferReportRequestSchema,
  transferResultSchema,
} from './proctorTransfers.js';

/**
 * The one contract per namespace: every client→server event with the schema of its request
 * and of its reply, every server→client push with the schema of its payload. The socket.io
 * event maps, the event names a namespace answers, the server's handler types and the
 * clients' request and push helpers are all derived from these two objects.
 */
export interface RequestContract {
  request: z.ZodType;
  reply: z.ZodType;
}
export interface NamespaceContract {
  requests: Readonly<Record<string, RequestContract>>;
  pushes: Readonly<Record<string, z.ZodType>>;
}

const defineContract = <const C extends NamespaceContract>(c: C): C => c;

export const candidateContract = defineContract({
  requests: {
    'machine:hello': { request: machineHelloSchema, reply: machineChallengeSchema },
    'machine:prove': { request: machineProveSchema, reply: machineStatusSchema },
    'machine:join': { request: machineJoinSchema, reply: machinePendingStatusSchema },
    'candidate:login': { request: loginSchema, reply: loginResultSchema },
    'candidate:resume': { request: resumeSchema, reply: loginResultSchema },
    'answer:save': { request: answerSaveSchema, reply: saveResultSchema },
    'answer:deliver': { request: answerDeliverSchema, reply: saveResultSchema },
    'exam:handIn': { request: handInSchema, reply: handedInSchema },
    'time:sync': { request: emptySchema, reply: serverNowSchema },
    'machine:check': { request: machineCheckSchema, reply: machineCheckResultSchema },
    'client:alert': { request: clientAlertSchema, reply: clientAlertResultSchema },
    'notice:ack': { request: noticeAckSchema, reply: noticeAckResultSchema },
  },
  pushes: {
    'sitting:state': sittingViewSchema,
    'sitting:started': sittingStartedSchema,
    'exam:handedIn': handedInSchema,
    'session:revoked': sessionRevokedSchema,
    'session:replaced': sessionReplacedSchema,
    'room:loginOpen': loginOpenPushSchema,
    notice: noticePushSchema,
    'machine:approved': machineApprovedSchema,
    'machine:refused': machineRefusedSchema,
  },
});

export const proctorContract = defineContract({
  requests: {
    // The only two a connection may send before it has signed in (everything else: UNAUTHORIZED).
    'proctor:challenge': { request: emptySchema, reply: signInChallengeSchema },
    'proctor:signIn': { request: signInSchema, reply: signedInSchema },
    // The console's clock follows the server's (candidates have their own time:sync).
    'proctor:syncTime': { request: emptySchema, reply: serverNowSchema },
    'room:subscribe': { request: emptySchema, reply: roomSnapshotSchema },
    'login:open': { request: sittingCommandSchema, reply: z.object({ loginOpenedAt: z.number() }) },
    'sitting:start': { request: startSchema, reply: startResultSchema },
    'sitting:end': { request: sittingCommandSchema, reply: endResultSchema },
    'sitting:checklist': { request: sittingCommandSchema, reply: endChecklistSchema },
    'candidate:reset': { request: resetSchema, reply: z.object({ resetAt: z.number() }) },
    'candidate:extend': { request: extendSchema, reply: extendResultSchema },
    'candidate:absent': { request: markAbsentSchema, reply: z.object({ status: z.string() }) },
    'violation:record': { request: violationSchema, reply: z.object({ violationId: z.number().int() }) },
    'notice:send': {
      request: noticeSchema,
      reply: z.object({ noticeId: z.number().int(), recipients: z.number().int().nonnegative() }),
    },
    'replica:pull': { request: replicaPullSchema, reply: replicaChangesSchema },
    'report:room': {
      request: sittingCommandSchema,
      reply: z.object({ fileName: z.string(), pdfBase64: z.string() }),
    },
    'candidate:detail': { request: candidateRefSchema, reply: candidateDetailSchema },
    'machine:approve': { request: machineApproveSchema, reply: machineApproveResultSchema },
    'machine:refuse': { request: machineRefuseSchema, reply: machineRefuseResultSchema },
    // Overbooking (issue 19): random seat at entry, transfers between rooms, the transfer report.
    'proctor:draw-seat': { request: drawSeatSchema, reply: drawSeatResultSchema },
    'proctor:assign-seat': { request: assignSeatSchema, reply: assignSeatResultSchema },
    'proctor:transfer-out': { request: transferOutSchema, reply: transferResultSchema },
    'proctor:open-transfers': { request: emptySchema, reply: roomTransfersSchema },
    'proctor:transfer-in': { request: transferInSchema, reply: transferResultSchema },
    'proctor:resolve-transfer': { request: resolveTransferSchema, reply: transferResultSchema },
    'report:transfers': {
      request: transferReportRequestSchema,
      reply: z.object({ fileName: z.string(), pdfBase64: z.string() }),
    },
    // Standalone mode (issue 17): consent challenge, target machines, export, cancel, collection.
    'standalone:challenge': { request: emptySchema, reply: standaloneChallengeSchema },
    'standalone:machines': { request: emptySchema, reply: standaloneMachinesSchema },
    'standalone:export': { request: standaloneExportSchema, reply: standaloneExportResultSchema },
    'standalone:cancel': { request: standaloneCancelSchema, reply: standaloneCancelResultSchema },
    'standalone:collect': { request: standaloneCollectSchema, reply: standaloneCollectResultSchema },
    'standalone:list': { request: emptySchema, reply: standaloneListSchema },
    'standalone:offlineKit': { request: emptySchema, reply: standaloneOfflineKitSchema },
    'standalone:register': { request: standaloneRegisterSchema, reply: standaloneRegisterResultSchema },
    // Backups (issue 18): whom to seal the console's backup for, and its deposit with the site.
    'backup:recipients': { request: emptySchema, reply: backupRecipientsSchema },
    'backup:deposit': { request: backupDepositSchema, reply: backupDepositResultSchema },
  },
  pushes: {
    'room:snapshot': roomSnapshotSchema,
    'room:tiles': roomTilesSchema,
    'room:machines': roomMachinesSchema,
    'room:alert': roomAlertSchema,
    'room:answers': replicaChangesSchema,
    'room:noticeAck': noticeAcknowledgedSchema,
    'room:joinRequests': roomJoinRequestsSchema,
    'room:transfers': roomTransfersSchema,
  },
});

export type CandidateContract = typeof candidateContract;
export type ProctorContract = typeof proctorContract;

export type RequestName<C extends NamespaceContract> = keyof C['requests'] & string;
export type PushName<C extends NamespaceContract> = keyof C['pushes'] & string;
/** What a client sends (before the server's parse fills defaults). */
export type RequestOf<C extends NamespaceContract, E extends RequestName<C>> = z.input<
  C['requests'][E]['request']
>;
/** What a server handler receives, parsed. */
export type ParsedRequestOf<C extends NamespaceContract, E extends RequestName<C>> = z.output<
  C['requests'][E]['request']
>;
/** What a server handler may return. */
export type ReplyOf<C extends NamespaceContract, E extends RequestName<C>> = z.input<
  C['requests'][E]['reply']
>;
/** What a client holds once the reply is parsed. */
export type ParsedReplyOf<C extends NamespaceContract, E extends RequestName<C>> = z.output<
  C['requests'][E]['reply']
>;
/** What a server may push. */
export type PushOf<C extends NamespaceContract, E extends PushName<C>> = z.input<C['pushes'][E]>;
/** What a client holds once the push is parsed. */
export type ParsedPushOf<C extends NamespaceContract, E extends PushName<C>> = z.output<C['pushes'][E]>;

/** socket.io's client→server event map, each event with its typed acknowledgement. */
export type ClientEventsOf<C extends NamespaceContract> = {
  [E in RequestName<C>]: (payload: RequestOf<C, E>, ack: (result: Ack<ReplyOf<C, E>>) => void) => void;
};
/** socket.io's server→client event map. */
export type ServerEventsOf<C extends NamespaceContract> = {
  [E in PushName<C>]: (payload: PushOf<C, E>) => void;
};

export type CandidateClientEvents = ClientEventsOf<CandidateContract>;
export type CandidateServerEvents = ServerEventsOf<CandidateContract>;
export type ProctorClientEvents = ClientEventsOf<ProctorContract>;
export type ProctorServerEvents = ServerEventsOf<ProctorContract>;

export type CandidateEvent = RequestName<CandidateContract>;
export type ProctorEvent = RequestName<ProctorContract>;

const requestNames = <C extends NamespaceContract>(c: C): readonly RequestName<C>[] =>
  Object.freeze(Object.keys(c.requests) as RequestName<C>[]);

/** Every event the candidate namespace answers; anything else is refused. */
export const CANDIDATE_EVENTS = requestNames(candidateContract);
/** Every event the proctor namespace answers; anything else is refused. */
export const PROCTOR_EVENTS = requestNames(proctorContract);
