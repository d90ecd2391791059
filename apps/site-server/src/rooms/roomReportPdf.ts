import { MINUTE_MS, siteLocalDateTime } from '@exam/domain';
import PDFDocument from 'pdfkit';
import type { CjkFont } from './cjkFont.js';
import { pdfTable } from './pdfTable.js';
import type { RoomReportData } from './roomReportData.js';

/** Who allowed the start, as printed beside the actual start time. */
const START_AUTHORITY_ZH: Record<string, string> = {
  'on-time': '按时开考',
  'city-consent': '延迟开考（经市级考试机构同意）',
  'province-code': '延迟开考（省级授权码）',
  'centre-code': '延迟开考（部中心授权码）',
};

/**
 * Who allowed a time extension. The authorities share their names with the start's (the
 * same approval codes), so the two kinds of event have a table each: a province-coded
 * extension is a 补时, never a 延迟开考, on the sheet the chief examiner signs.
 */
const EXTENSION_AUTHORITY_ZH: Record<string, string> = {
  proctor: '监考补时',
  'province-code': '补时（省级授权码）',
  'centre-code': '补时（部中心授权码）',
};

const ALERT_ZH: Record<string, string> = {
  'focus-lost': '考试窗口失去焦点',
  'display-added': '检测到新增显示器',
  'close-attempt': '尝试关闭考试程序',
  restarted: '考试中重启客户端',
  'shortcut-blocked': '按下被屏蔽的快捷键',
};

/** A standalone package's state, as the report prints it. */
const STANDALONE_STATE_ZH: Record<string, string> = {
  exported: '未回收',
  collected: '已回收',
  cancelled: '已取消',
};

/** How the sending room resolved a transfer no room took (issue 19). */
const TRANSFER_OUTCOME_ZH: Record<string, string> = {
  'transferred-in-after-all': '已另行调入',
  absent: '缺考',
  other: '其他',
};

/** China Standard Time, as printed on the report. */
function cst(t: number | null): string {
  if (t === null) return '—';
  return siteLocalDateTime(t);
}

/**
 * Renders the room report (考场情况记录单) as an A4 PDF in Chinese, for the proctors' and
 * the chief examiner's signatures. Only text, lines and the embedded CJK font: it must
 * print the same on any site printer.
 */
export function renderRoomReportPdf(d: RoomReportData, font: CjkFont, printedAt: number): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: `考场情况记录单 ${d.roomName} ${d.subjectName}`, CreationDate: new Date(printedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.registerFont('cjk', font.path, font.family || undefined);
  doc.font('cjk');
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.fontSize(18).text('考场情况记录单', { align: 'center' });
  doc.moveDown(0.3).fontSize(10).text(d.examName, { align: 'center' });
  doc.moveDown(0.8).fontSize(10.5);

  const line = (label: string, value: string) => doc.text(`${label}：${value}`);
  line('考点', d.siteName);
  line('考场', d.roomName);
  line('科目', `${d.subjectName}（${d.sittingId}）`);
  line('计划开考', cst(d.scheduledStart));
  const start = [cst(d.startedAt), START_AUTHORITY_ZH[d.startAuthority ?? ''] ?? ''];
  if (d.startReason) start.push(`原因：${d.startReason}`);
  if (d.startCode) start.push(`授权码：${d.startCode}`);
  line('实际开考', start.filter(Boolean).join('　'));
  line('结束', cst(d.endedAt));
  doc.moveDown(0.5);
  line(
    '人数',
    `应考 ${d.expected} 人，实考 ${d.present} 人，缺考 ${d.absent.length} 人，交卷 ${d.handedIn} 人（其中到时自动交卷 ${d.autoHandedIn} 人）`,
  );

  const section = (title: string, rows: string[][], widths: number[]) => {
    doc.moveDown(0.8).fontSize(12).text(title, left, doc.y);
    doc.fontSize(9.5);
    if (rows.length <= 1) {
      doc.moveDown(0.2).text('无', left + 12);
      return;
    }
    pdfTable(doc, rows, widths, { left, width, reserve: 60 });
  };

  section('一、缺考', [['准考证号', '姓名'], ...d.absent.map((a) => [a.ticketNo, a.name])], [0.4, 0.6]);
  section(
    '二、重置',
    [
      ['时间', '准考证号', '姓名', '原因', '原考试机'],
      ...d.resets.map((r) => [cst(r.at).slice(11), r.ticket_no, r.name, r.reason, r.old_machine_id ?? '—']),
    ],
    [0.12, 0.22, 0.14, 0.3, 0.22],
  );
  section(
    '三、补时',
    [
      ['时间', '准考证号', '姓名', '本次/累计（分钟）', '授权', '授权码', '原因'],
      ...d.extensions.map((e) => [
        cst(e.at).slice(11),
        e.ticket_no,
        e.name,
        `${e.minutes} / ${Math.round(e.cumulative_ms / MINUTE_MS)}`,
        EXTENSION_AUTHORITY_ZH[e.authority] ?? e.authority,
        e.code ?? '—',
        e.reason,
      ]),
    ],
    [0.09, 0.19, 0.1, 0.13, 0.16, 0.15, 0.18],
  );
  section(
    '四、违纪违规',
    [
      ['时间', '准考证号', '姓名', '行为', '处理', '已告知', '情况说明'],
      ...d.violations.map((v) => [
        cst(v.at).slice(11),
        v.ticket_no,
        v.name,
        v.categoryZh,
        v.consequenceZh,
        v.notified_at ? '是' : '否',
        v.description,
      ]),
    ],
    [0.09, 0.19, 0.1, 0.18, 0.18, 0.08, 0.18],
  );
  section(
    '五、考试机异常提示（供监考判断，非违纪认定）',
    [['类型', '次数'], ...d.alerts.map((a) => [ALERT_ZH[a.kind] ?? a.kind, String(a.count)])],
    [0.6, 0.4],
  );
  section(
    '六、单机考试',
    [
      ['导出时间', '准考证号', '姓名', '主考同意', '考试机', '状态', '回收作答', '原因'],
      ...d.standalone.map((p) => [
        cst(p.exported_at).slice(11),
        p.ticket_no,
        p.name,
        p.consent_by,
        p.target_machine_fingerprint.slice(0, 12),
        STANDALONE_STATE_ZH[p.state] ?? p.state,
        p.collected_at === null ? '—' : `${p.collected_changes} 条（${cst(p.collected_at).slice(11)}）`,
        p.state === 'cancelled' ? `${p.reason}；取消：${p.cancel_reason ?? ''}` : p.reason,
      ]),
    ],
    [0.09, 0.17, 0.09, 0.1, 0.13, 0.08, 0.14, 0.2],
  );

  section(
    '七、跨考场调动',
    [
      ['调出时间', '准考证号', '姓名', '调出考场', '调入考场', '调入时间', '结果'],
      ...d.transfers.map((t) => [
        cst(t.outAt).slice(11),
        t.ticketNo,
        t.name,
        t.fromRoomName,
        t.toRoomName ?? '—',
        t.inAt === null ? '—' : cst(t.inAt).slice(11),
        t.state === 'in'
          ? '已调入'
          : t.state === 'out'
            ? '待调入'
            : `${TRANSFER_OUTCOME_ZH[t.outcome ?? ''] ?? ''}${t.note ? `：${t.note}` : ''}`,
      ]),
    ],
    [0.1, 0.19, 0.1, 0.12, 0.12, 0.1, 0.27],
  );

  if (doc.y > doc.page.height - doc.page.margins.bottom - 120) doc.addPage();
  doc.moveDown(2).fontSize(11);
  const sigY = doc.y;
  doc.text('监考员签字：________________', left, sigY);
  doc.text('监考员签字：________________', left + width / 2, sigY);
  doc.text('主考签字：__________________', left, sigY + 32);
  doc.text('日期：______年____月____日', left + width / 2, sigY + 32);
  doc
    .moveDown(2)
    .fontSize(8)
    .text(`本记录单由考点系统生成，打印时间 ${cst(printedAt)}。`, left, doc.y + 24);
  doc.end();
  return done;
}
