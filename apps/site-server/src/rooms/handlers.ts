import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { printRoomReport } from './printRoomReport.js';
import { endChecklist, extendTime, recordViolation, resetCandidate, setAbsent } from './roomOperations.js';

/** The room's own operations: its tiles, the end checklist, resets, time, absence, violations, report. */
export function roomProctorHandlers({
  ctx,
  socket,
  log,
  roomId,
  actor,
  gate,
  broadcaster,
}: ProctorConnection): void {
  handleProctor(socket, 'room:subscribe', log, () => broadcaster.snapshot(roomId));
  handleProctor(socket, 'sitting:checklist', log, (p) => endChecklist(ctx, roomId, p.sittingId));
  handleProctor(socket, 'candidate:reset', log, (p) => ({
    resetAt: resetCandidate(ctx, actor, roomId, p).resetAt,
  }));
  handleProctor(socket, 'candidate:extend', log, (p) => extendTime(ctx, actor, roomId, p, gate));
  handleProctor(socket, 'candidate:absent', log, (p) => setAbsent(ctx, actor, roomId, p));
  handleProctor(socket, 'violation:record', log, (p) => ({
    violationId: recordViolation(ctx, actor, roomId, p),
  }));
  handleProctor(socket, 'report:room', log, async (p) => {
    const pdf = await printRoomReport(ctx, actor, roomId, p.sittingId);
    return { fileName: pdf.fileName, pdfBase64: pdf.bytes.toString('base64') };
  });
}
