import { machineShortfalls } from '@exam/domain';
import {
  type ClientAlert,
  ERROR_CODES,
  type MachineApproved,
  type MachineCheck,
  type MachineTile,
  ProtocolError,
  type RoomAlert,
} from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import type { MachineInfo } from '../candidates/login.js';
import { writeTransaction } from '../db/transactions.js';
import { listReleasedFromMachines } from '../rooms/resetsTable.js';
import { getRoom, type RoomRow } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { loginOpenSittings } from '../sittings/sittingState.js';
import { type ClientAlertRow, insertClientAlert, recentRoomAlerts } from './clientAlertsTable.js';
import { listRoomMachines, recordMachineCheck } from './machinesTable.js';

/** The room a machine asks to sit in, if the site has it and the seat exists. */
export function roomForSeat(ctx: SiteContext, roomId: string, seatNo: number): RoomRow {
  const room = getRoom(ctx.db, roomId);
  if (!room) throw new ProtocolError(ERROR_CODES.UNKNOWN_ROOM, `There is no room ${roomId} at this site.`);
  if (seatNo > room.seats) {
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SEAT, `Room ${room.name} has ${room.seats} seats.`);
  }
  return room;
}

/**
 * What an approved machine is told: its seat (from the binding, never from the client), the
 * site, its room, the time, which sittings take logins.
 */
export function approvedReply(ctx: SiteContext, machine: MachineInfo, at: number): MachineApproved {
  return {
    roomId: machine.roomId,
    seatNo: machine.seatNo,
    siteName: getMeta(ctx.db, 'siteName') ?? '',
    roomName: getRoom(ctx.db, machine.roomId)?.name ?? machine.roomId,
    serverNow: at,
    loginOpen: loginOpenSittings(ctx, machine.roomId),
  };
}

/** Records a test machine's self-check; shortfalls against the notice's minimums are flagged. */
export function recordCheck(ctx: SiteContext, machine: MachineInfo, check: MachineCheck): string[] {
  const shortfalls = machineShortfalls(check);
  writeTransaction(ctx.db, () => {
    recordMachineCheck(ctx.db, machine.machineId, check, shortfalls);
    appendAudit(ctx.db, ctx.clock.now(), {
      actorRole: 'candidate',
      actorId: machine.machineId,
      action: 'machine.checked',
      subject: `${machine.roomId}/${machine.seatNo}`,
      data: {
        shortfalls,
        screen: `${check.screenWidth}x${check.screenHeight}`,
        freeMemoryBytes: check.freeMemoryBytes,
      },
    });
  });
  ctx.events.emit('machines-changed', { roomId: machine.roomId });
  return shortfalls;
}

export function toRoomAlert(row: ClientAlertRow): RoomAlert {
  return {
    id: row.id,
    at: row.at,
    machineId: row.machine_id,
    seatNo: row.seat_no,
    ticketNo: row.ticket_no,
    kind: row.kind,
    detail: row.detail,
  };
}

/** An alert is for a person to judge: it is recorded and shown, never turned into a violation. */
export function recordAlert(
  ctx: SiteContext,
  machine: MachineInfo,
  ticketNo: string | null,
  alert: ClientAlert,
): RoomAlert {
  const at = ctx.clock.now();
  const row: Omit<ClientAlertRow, 'id'> = {
    at,
    room_id: machine.roomId,
    machine_id: machine.machineId,
    seat_no: machine.seatNo,
    ticket_no: ticketNo,
    kind: alert.kind,
    detail: alert.detail ?? null,
  };
  let id = 0;
  writeTransaction(ctx.db, () => {
    id = insertClientAlert(ctx.db, row);
    appendAudit(ctx.db, at, {
      actorRole: 'candidate',
      actorId: ticketNo ?? machine.machineId,
      action: 'client.alert',
      subject: `${machine.roomId}/${machine.seatNo}`,
      data: { kind: alert.kind, detail: alert.detail ?? null, machineId: machine.machineId },
    });
  });
  const roomAlert = toRoomAlert({ ...row, id });
  ctx.events.emit('client-alert', { roomId: machine.roomId, alert: roomAlert });
  return roomAlert;
}

export function machineTiles(
  ctx: SiteContext,
  roomId: string,
  isOnline: (machineId: string) => boolean,
): MachineTile[] {
  const released = new Map<string, MachineTile['released']>();
  for (const r of listReleasedFromMachines(ctx.db, roomId)) {
    const list = released.get(r.old_machine_id!) ?? [];
    list.push({ sittingId: r.sitting_id, ticketNo: r.ticket_no, ticketTail: r.ticket_no.slice(-3) });
    released.set(r.old_machine_id!, list);
  }
  return listRoomMachines(ctx.db, roomId).map((m) => {
    const check = m.check_json ? (JSON.parse(m.check_json) as MachineCheck) : null;
    return {
      machineId: m.machine_id,
      seatNo: m.seat_no,
      online: isOnline(m.machine_id),
      clientVersion: m.client_version,
      check: check && {
        screenWidth: check.screenWidth,
        screenHeight: check.screenHeight,
        freeMemoryBytes: check.freeMemoryBytes,
        freeDiskBytes: check.freeDiskBytes,
        displays: check.displays,
        ipAddress: check.ipAddress,
        shortfalls: JSON.parse(m.shortfalls) as string[],
      },
      released: released.get(m.machine_id) ?? [],
    };
  });
}

export function roomAlerts(ctx: SiteContext, roomId: string): RoomAlert[] {
  return recentRoomAlerts(ctx.db, roomId).map(toRoomAlert);
}
