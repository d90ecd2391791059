import { siteLocalDateTime } from '@exam/domain';
import { ERROR_CODES, ProtocolError, type TransferView } from '@exam/protocol';
import PDFDocument from 'pdfkit';
import { type CjkFont, findCjkFont } from '../rooms/cjkFont.js';
import { pdfTable } from '../rooms/pdfTable.js';
import { getRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getSitting } from '../sittings/sittingsTable.js';
import { transferView } from './transfers.js';
import { listSittingTransfers } from './transfersTable.js';

/**
 * The transfer report (应试人员跨考场调动单, annex 4): every transfer of a sitting out of and
 * into rooms, for the chief examiner's signature; the whole site's or one room's part.
 */
export interface TransferReportData {
  examName: string;
  siteName: string;
  subjectName: string;
  sittingId: string;
  /** The room whose part this is; null: the whole site. */
  roomName: string | null;
  transfers: TransferView[];
}

export const OUTCOME_ZH: Record<string, string> = {
  'transferred-in-after-all': '已另行调入',
  absent: '缺考',
  other: '其他',
};

const STATE_ZH: Record<string, string> = { out: '已调出，待调入', in: '已调入', resolved: '已处理' };

export function transferReportData(ctx: SiteContext, sittingId: string, roomId?: string): TransferReportData {
  const sitting = getSitting(ctx.db, sittingId);
  if (!sitting) throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Unknown sitting ${sittingId}.`);
  const room = roomId === undefined ? undefined : getRoom(ctx.db, roomId);
  if (roomId !== undefined && !room)
    throw new ProtocolError(ERROR_CODES.UNKNOWN_ROOM, `Unknown room ${roomId}.`);
  return {
    examName: getMeta(ctx.db, 'examName') ?? '',
    siteName: getMeta(ctx.db, 'siteName') ?? '',
    subjectName: sitting.subject_name,
    sittingId,
    roomName: room?.name ?? null,
    transfers: listSittingTransfers(ctx.db, sittingId, roomId).map((t) => transferView(ctx.db, t)),
  };
}

const cst = (t: number | null) => (t === null ? '—' : siteLocalDateTime(t));

/** One row per transfer: who, from, to, when, by whom, and how it ended. */
function rowOf(t: TransferView): string[] {
  const outcome =
    t.state === 'resolved'
      ? `${OUTCOME_ZH[t.outcome ?? ''] ?? t.outcome}${t.note ? `：${t.note}` : ''}（${t.resolvedBy ?? ''}）`
      : (STATE_ZH[t.state] ?? t.state);
  return [
    t.ticketNo,
    t.name,
    t.fromRoomName,
    t.toRoomName ?? '—',
    `${cst(t.outAt).slice(11)}${t.inAt === null ? '' : ` / ${cst(t.inAt).slice(11)}`}`,
    `${t.outBy}${t.inBy === null ? '' : ` / ${t.inBy}`}`,
    t.reason,
    outcome,
  ];
}

/** A4, Chinese, text and lines only with the embedded CJK font (as the room report). */
export function renderTransferReportPdf(
  d: TransferReportData,
  font: CjkFont,
  printedAt: number,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 40,
    info: { Title: `应试人员跨考场调动单 ${d.subjectName}`, CreationDate: new Date(printedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('cjk', font.path, font.family || undefined);
  doc.font('cjk');
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.fontSize(18).text('应试人员跨考场调动单', { align: 'center' });
  doc.moveDown(0.3).fontSize(10).text(d.examName, { align: 'center' });
  doc.moveDown(0.8).fontSize(10.5);
  doc.text(`考点：${d.siteName}`);
  doc.text(`科目：${d.subjectName}（${d.sittingId}）`);
  doc.text(`范围：${d.roomName === null ? '全考点' : `考场 ${d.roomName}`}`);
  const taken = d.transfers.filter((t) => t.state === 'in').length;
  const open = d.transfers.filter((t) => t.state === 'out').length;
  doc.text(
    `调动 ${d.transfers.length} 人次：已调入 ${taken}，已处理 ${d.transfers.length - taken - open}，待调入 ${open}`,
  );

  const header = [
    '准考证号',
    '姓名',
    '调出考场',
    '调入考场',
    '调出/调入时间',
    '调出/调入监考',
    '调出原因',
    '结果',
  ];
  const widths = [0.14, 0.08, 0.1, 0.1, 0.14, 0.14, 0.14, 0.16];
  const rows = [header, ...d.transfers.map(rowOf)];
  doc.moveDown(0.8).fontSize(9.5);
  if (d.transfers.length === 0) {
    doc.text('无调动', left + 12);
  } else {
    pdfTable(doc, rows, widths, { left, width, reserve: 40 });
  }
  doc.x = left;
  if (doc.y > doc.page.height - doc.page.margins.bottom - 90) doc.addPage();
  doc.moveDown(2).fontSize(11);
  const sigY = doc.y;
  doc.text('监考主考签字：________________', left, sigY);
  doc.text('日期：______年____月____日', left + width / 2, sigY);
  doc.fontSize(8).text(`本调动单由考点系统生成，打印时间 ${cst(printedAt)}。`, left, sigY + 36);
  doc.end();
  return done;
}

/** The report's file: the whole site's part, or one room's. */
export async function transferReportPdf(
  ctx: SiteContext,
  sittingId: string,
  roomId?: string,
): Promise<{ fileName: string; bytes: Buffer }> {
  const data = transferReportData(ctx, sittingId, roomId);
  const bytes = await renderTransferReportPdf(data, findCjkFont(), ctx.clock.now());
  return { fileName: `应试人员跨考场调动单-${roomId ?? '全考点'}-${sittingId}.pdf`, bytes };
}
