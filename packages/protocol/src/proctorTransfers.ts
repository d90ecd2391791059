import { z } from 'zod';
import { safeText } from './safeText.js';

/**
 * The proctor console's overbooking messages (issue 19): a random free seat for an arriving
 * candidate and its confirmation, transfers out of the room, into it, and the sending room's
 * resolution of a transfer no room took, and the room's part of the transfer report. Every
 * one acts for the signed-in console's own room (the room comes from the socket, never from
 * the message).
 */
const ticket = z.string().regex(/^\d{8,20}$/);
const seatNo = z.number().int().positive().max(500);
const transferId = z.number().int().positive();

export const drawSeatSchema = z.strictObject({
  ticketNo: ticket,
  /** Seats just offered and declined (a redraw): not offered again while others are free. */
  exclude: z.array(seatNo).max(500).optional(),
});
export type DrawSeatRequest = z.infer<typeof drawSeatSchema>;

export const drawSeatResultSchema = z.object({
  ticketNo: z.string(),
  sittingId: z.string(),
  seatNo: z.number().int(),
  /** Free approved seats left, this one included. */
  free: z.number().int().nonnegative(),
});
export type DrawSeatResult = z.infer<typeof drawSeatResultSchema>;

export const assignSeatSchema = z.strictObject({ ticketNo: ticket, seatNo });
export type AssignSeatRequest = z.infer<typeof assignSeatSchema>;

export const assignSeatResultSchema = z.object({
  ticketNo: z.string(),
  sittingId: z.string(),
  seatNo: z.number().int(),
});

export const transferOutSchema = z.strictObject({ ticketNo: ticket, reason: safeText(500, 1) });
export type TransferOutRequest = z.infer<typeof transferOutSchema>;

export const transferInSchema = z.strictObject({ transferId });
export type TransferInRequest = z.infer<typeof transferInSchema>;

export const TRANSFER_OUTCOMES = Object.freeze(['transferred-in-after-all', 'absent', 'other'] as const);
export const transferOutcomeSchema = z.enum(TRANSFER_OUTCOMES);
export type TransferOutcome = z.infer<typeof transferOutcomeSchema>;

export const resolveTransferSchema = z.strictObject({
  transferId,
  outcome: transferOutcomeSchema,
  note: safeText(500),
});
export type ResolveTransferRequest = z.infer<typeof resolveTransferSchema>;

/** One transfer as consoles see it. */
export const transferViewSchema = z.object({
  transferId: z.number().int(),
  sittingId: z.string(),
  ticketNo: z.string(),
  name: z.string(),
  /** The last three digits of the ticket, as an overbooked room lists its candidates. */
  ticketTail: z.string(),
  fromRoomId: z.string(),
  fromRoomName: z.string(),
  toRoomId: z.string().nullable(),
  toRoomName: z.string().nullable(),
  state: z.enum(['out', 'in', 'resolved']),
  reason: z.string(),
  outAt: z.number().int(),
  outBy: z.string(),
  inAt: z.number().int().nullable(),
  inBy: z.string().nullable(),
  resolvedAt: z.number().int().nullable(),
  resolvedBy: z.string().nullable(),
  outcome: transferOutcomeSchema.nullable(),
  note: z.string().nullable(),
});
export type TransferView = z.infer<typeof transferViewSchema>;

/**
 * What a room's console sees of transfers: the site's open ones (any room may take them in)
 * and every one out of or into this room. Also pushed as `room:transfers` on each change.
 */
export const roomTransfersSchema = z.object({
  roomId: z.string(),
  transfers: z.array(transferViewSchema),
});
export type RoomTransfers = z.infer<typeof roomTransfersSchema>;

export const transferResultSchema = z.object({ transfer: transferViewSchema });

export const transferReportRequestSchema = z.strictObject({ sittingId: safeText(64, 1) });

/** The site admin's `GET …/transfer-report` query: one room's part, or (none) the whole site. */
export const transferReportQuerySchema = z.strictObject({ roomId: safeText(64, 1).optional() });
