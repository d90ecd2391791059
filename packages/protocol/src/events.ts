import { z } from 'zod';
import type {
  AnswerDeliver,
  AnswerSave,
  ClientAlert,
  HandedIn,
  LoginRequest,
  LoginResult,
  MachineCheck,
  MachineRegister,
  SaveResult,
  SittingStarted,
  SittingView,
} from './candidate.js';
import type { Ack } from './errors.js';
import type {
  CandidateTile,
  EndResult,
  MachineTile,
  ReplicaChange,
  RoomAlert,
  RoomSnapshot,
  StartResult,
} from './proctor.js';
import type {
  CandidateDetail,
  EndChecklist,
  ExtendRequest,
  ExtendResult,
  Notice,
  NoticeAcknowledged,
  ViolationRequest,
} from './proctorActions.js';
import { signInProofSchema } from './proctorActions.js';

/** Socket.io namespaces: one per role family, so a socket's role is fixed at connect. */
export const NAMESPACES = Object.freeze({ candidate: '/candidate', proctor: '/proctor' } as const);

/** What every connection presents in its handshake; the version is checked first. */
export const handshakeSchema = z.strictObject({
  protocolVersion: z.number().int(),
  /** Proctor consoles only: the room, and a proctor key's signed sign-in statement. */
  roomId: z.string().min(1).max(64).optional(),
  proof: signInProofSchema.optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;

type AckFn<T> = (result: Ack<T>) => void;

export interface RegisterResult {
  siteName: string;
  roomName: string;
  serverNow: number;
  /**
   * This room's sittings whose login is open and that have not ended (running ones too).
   * A machine locked by a reset unlocks when a later sitting's login opens here.
   */
  loginOpen: string[];
}

export interface CandidateClientEvents {
  'machine:register': (p: MachineRegister, ack: AckFn<RegisterResult>) => void;
  'candidate:login': (p: LoginRequest, ack: AckFn<LoginResult>) => void;
  'candidate:resume': (p: { sessionToken: string }, ack: AckFn<LoginResult>) => void;
  'answer:save': (p: AnswerSave, ack: AckFn<SaveResult>) => void;
  'answer:deliver': (p: AnswerDeliver, ack: AckFn<SaveResult>) => void;
  'exam:handIn': (p: { sittingId: string }, ack: AckFn<HandedIn>) => void;
  'time:sync': (p: Record<string, never>, ack: AckFn<{ serverNow: number }>) => void;
  'machine:check': (p: MachineCheck, ack: AckFn<{ shortfalls: string[] }>) => void;
  'client:alert': (p: ClientAlert, ack: AckFn<{ id: number }>) => void;
  'notice:ack': (p: { noticeId: number }, ack: AckFn<{ acknowledgedAt: number }>) => void;
}

export interface CandidateServerEvents {
  'sitting:state': (view: SittingView) => void;
  'sitting:started': (started: SittingStarted) => void;
  'exam:handedIn': (handedIn: HandedIn) => void;
  'session:revoked': (p: { reason: string }) => void;
  /** To every machine registered in the room when a sitting's login opens or it ends. */
  'room:loginOpen': (p: { sittingIds: string[] }) => void;
  notice: (n: Notice) => void;
}

export interface ProctorClientEvents {
  'room:subscribe': (p: Record<string, never>, ack: AckFn<RoomSnapshot>) => void;
  'login:open': (p: { sittingId: string }, ack: AckFn<{ loginOpenedAt: number }>) => void;
  'sitting:start': (p: { sittingId: string; reason?: string }, ack: AckFn<StartResult>) => void;
  'sitting:end': (p: { sittingId: string }, ack: AckFn<EndResult>) => void;
  'sitting:checklist': (p: { sittingId: string }, ack: AckFn<EndChecklist>) => void;
  'candidate:reset': (
    p: { sittingId: string; ticketNo: string; reason: string },
    ack: AckFn<{ resetAt: number }>,
  ) => void;
  'candidate:extend': (p: ExtendRequest, ack: AckFn<ExtendResult>) => void;
  'candidate:absent': (
    p: { sittingId: string; ticketNo: string; absent: boolean },
    ack: AckFn<{ status: string }>,
  ) => void;
  'violation:record': (p: ViolationRequest, ack: AckFn<{ violationId: number }>) => void;
  'report:room': (p: { sittingId: string }, ack: AckFn<{ fileName: string; pdfBase64: string }>) => void;
  'replica:pull': (
    p: { sittingId: string; have: Record<string, number> },
    ack: AckFn<{ changes: ReplicaChange[] }>,
  ) => void;
  'notice:send': (
    p: { sittingId: string; ticketNo?: string; text: string },
    ack: AckFn<{ noticeId: number; recipients: number }>,
  ) => void;
  'candidate:detail': (p: { sittingId: string; ticketNo: string }, ack: AckFn<CandidateDetail>) => void;
}

export interface ProctorServerEvents {
  'room:snapshot': (snapshot: RoomSnapshot) => void;
  'room:tiles': (p: { serverNow: number; tiles: CandidateTile[] }) => void;
  'room:machines': (p: { machines: MachineTile[] }) => void;
  'room:alert': (alert: RoomAlert) => void;
  'room:answers': (p: { changes: ReplicaChange[] }) => void;
  'room:noticeAck': (p: NoticeAcknowledged) => void;
}
