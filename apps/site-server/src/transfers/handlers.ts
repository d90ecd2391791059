import { listRooms } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { type ProctorSocket, proctorRoom } from '../sockets/proctorRoom.js';
import { printTransferReport } from './printTransferReport.js';
import { assignSeat, drawSeatFor } from './seatOffer.js';
import { resolveTransfer, roomTransfers, transferIn, transferOut } from './transfers.js';

/**
 * Overbooking (issue 19): the random seat at entry, transfers out, in and their resolution,
 * and the room's part of the transfer report. Every room's consoles get the site's transfers
 * after each change (`room:transfers`): any room may take an open one in.
 */
export function transferProctorHandlers({ ctx, socket, log, roomId, actor }: ProctorConnection): void {
  const pushAll = () => pushTransfers(ctx, socket);
  handleProctor(socket, 'proctor:draw-seat', log, (p) => drawSeatFor(ctx, roomId, p));
  handleProctor(socket, 'proctor:assign-seat', log, (p) => assignSeat(ctx, actor, roomId, p));
  handleProctor(socket, 'proctor:open-transfers', log, () => roomTransfers(ctx, roomId));
  handleProctor(socket, 'proctor:transfer-out', log, (p) => {
    const transfer = transferOut(ctx, actor, roomId, p);
    pushAll();
    return { transfer };
  });
  handleProctor(socket, 'proctor:transfer-in', log, (p) => {
    const transfer = transferIn(ctx, actor, roomId, p.transferId);
    pushAll();
    return { transfer };
  });
  handleProctor(socket, 'proctor:resolve-transfer', log, (p) => {
    const transfer = resolveTransfer(ctx, actor, roomId, p);
    pushAll();
    return { transfer };
  });
  handleProctor(socket, 'report:transfers', log, async (p) => {
    const pdf = await printTransferReport(ctx, actor, p.sittingId, roomId);
    return { fileName: pdf.fileName, pdfBase64: pdf.bytes.toString('base64') };
  });
}

/** Each room's consoles get their view of the site's transfers. */
function pushTransfers(ctx: SiteContext, socket: ProctorSocket): void {
  for (const room of listRooms(ctx.db)) {
    socket.nsp.to(proctorRoom(room.room_id)).emit('room:transfers', roomTransfers(ctx, room.room_id));
  }
}
