import { randomBytes } from 'node:crypto';
import { machineFingerprint, verifyMachineProof } from '@exam/crypto';
import {
  ERROR_CODES,
  MACHINE_PUBLIC_KEY_MAX_BYTES,
  type MachineChallenge,
  type MachineHello,
  type MachineJoin,
  type MachinePendingStatus,
  type MachineStatus,
  machineProofText,
  ProtocolError,
} from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import type { MachineInfo } from '../candidates/login.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { insertClientAlert } from './clientAlertsTable.js';
import { getJoinRequest, upsertJoinRequest } from './joinRequestsTable.js';
import { liveBinding, type MachineBindingRow, setBindingAddress } from './machineBindingsTable.js';
import type { MachineKeyState } from './machineKeyState.js';
import { approvedReply, roomForSeat, toRoomAlert } from './machines.js';

/*
 * A test machine proves on every connection that it holds the key a proctor approved
 * (issue 16): hello (its public key) → a fresh challenge for this connection only → a
 * signature over the site and that challenge. Room and seat then come from the binding.
 */

const siteIdOf = (ctx: SiteContext) => getMeta(ctx.db, 'siteId') ?? '';

export function machineHello(
  ctx: SiteContext,
  hello: MachineHello,
  known: MachineKeyState | undefined,
): { state: MachineKeyState; reply: MachineChallenge } {
  if (known?.proven) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      'This connection has already proved its machine key.',
    );
  }
  if (Buffer.from(hello.publicKey, 'base64').length > MACHINE_PUBLIC_KEY_MAX_BYTES) {
    throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, 'The machine public key is too long.');
  }
  let fingerprint: string;
  try {
    fingerprint = machineFingerprint(hello.publicKey);
  } catch {
    throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, 'The machine key must be an Ed25519 public key.');
  }
  const challenge = randomBytes(32).toString('base64');
  return {
    state: {
      publicKey: hello.publicKey,
      fingerprint,
      clientVersion: hello.clientVersion,
      challenge,
      proven: false,
    },
    reply: { challenge, siteId: siteIdOf(ctx) },
  };
}

/**
 * Checks the signature over this connection's one challenge (used up either way). A bad
 * one throws MACHINE_PROOF_FAILED; the caller closes the connection.
 */
export function machineProve(
  ctx: SiteContext,
  state: MachineKeyState | undefined,
  signature: string,
  remoteAddress: string,
): { status: MachineStatus; machine: MachineInfo | null } {
  if (!state?.challenge) {
    throw new ProtocolError(ERROR_CODES.MACHINE_NOT_APPROVED, 'Say hello with the machine key first.');
  }
  const challenge = state.challenge;
  state.challenge = null;
  if (!verifyMachineProof(state.publicKey, machineProofText(siteIdOf(ctx), challenge), signature)) {
    throw new ProtocolError(ERROR_CODES.MACHINE_PROOF_FAILED, 'The machine key proof did not verify.');
  }
  state.proven = true;
  const { fingerprint } = state;
  const binding = liveBinding(ctx.db, fingerprint);
  if (binding) {
    noteAddress(ctx, binding, remoteAddress);
    const machine = { machineId: fingerprint, roomId: binding.room_id, seatNo: binding.seat_no };
    return {
      status: { status: 'approved', fingerprint, ...approvedReply(ctx, machine, ctx.clock.now()) },
      machine,
    };
  }
  const request = getJoinRequest(ctx.db, fingerprint);
  if (request) {
    return {
      status: { status: 'pending', fingerprint, roomId: request.room_id, seatNo: request.seat_no },
      machine: null,
    };
  }
  return { status: { status: 'unknown', fingerprint }, machine: null };
}

/** A proven machine asks the room's proctor for a seat; its newer request replaces the older. */
export function machineJoin(
  ctx: SiteContext,
  state: MachineKeyState | undefined,
  join: MachineJoin,
  remoteAddress: string,
): MachinePendingStatus {
  if (!state?.proven) {
    throw new ProtocolError(ERROR_CODES.MACHINE_NOT_APPROVED, 'Prove the machine key before asking to join.');
  }
  roomForSeat(ctx, join.roomId, join.seatNo);
  const at = ctx.clock.now();
  const earlier = getJoinRequest(ctx.db, state.fingerprint);
  writeTransaction(ctx.db, () => {
    upsertJoinRequest(ctx.db, {
      fingerprint: state.fingerprint,
      public_key: state.publicKey,
      room_id: join.roomId,
      seat_no: join.seatNo,
      remote_address: remoteAddress,
      client_version: state.clientVersion,
      requested_at: at,
    });
    appendAudit(ctx.db, at, {
      actorRole: 'candidate',
      actorId: state.fingerprint,
      action: 'machine.joinRequested',
      subject: `${join.roomId}/${join.seatNo}`,
      data: { remoteAddress, clientVersion: state.clientVersion },
    });
  });
  if (earlier && earlier.room_id !== join.roomId) {
    ctx.events.emit('join-requests-changed', { roomId: earlier.room_id });
  }
  ctx.events.emit('join-requests-changed', { roomId: join.roomId });
  return { status: 'pending', fingerprint: state.fingerprint, roomId: join.roomId, seatNo: join.seatNo };
}

/**
 * The site records where each approved machine proves from; a move (another box on the
 * machine's key, or the machine re-cabled) is for the room's proctor to judge.
 */
function noteAddress(ctx: SiteContext, binding: MachineBindingRow, address: string): void {
  const previous = binding.last_address;
  if (previous === address) return;
  const at = ctx.clock.now();
  if (previous === null) {
    writeTransaction(ctx.db, () => setBindingAddress(ctx.db, binding.fingerprint, address));
    return;
  }
  const row = {
    at,
    room_id: binding.room_id,
    machine_id: binding.fingerprint,
    seat_no: binding.seat_no,
    ticket_no: null,
    kind: 'address-changed',
    detail: `${previous} → ${address}`,
  };
  let id = 0;
  writeTransaction(ctx.db, () => {
    setBindingAddress(ctx.db, binding.fingerprint, address);
    id = insertClientAlert(ctx.db, row);
    appendAudit(ctx.db, at, {
      actorRole: 'system',
      actorId: 'site',
      action: 'machine.addressChanged',
      subject: `${binding.room_id}/${binding.seat_no}`,
      data: { fingerprint: binding.fingerprint, previousAddress: previous, address },
    });
  });
  ctx.events.emit('client-alert', { roomId: binding.room_id, alert: toRoomAlert({ ...row, id }) });
}
