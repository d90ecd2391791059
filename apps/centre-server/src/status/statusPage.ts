import type { ExamReceiptStatus } from '@exam/protocol';
import { en } from '../i18n/en.js';
import { type ReceiverMessages, zhCN } from '../i18n/zh-CN.js';

export type ReceiverLocale = 'zh-CN' | 'en';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => escapeHtml(String(params[k] ?? '')));
}

/** The exam's status as a page: one row per site and sitting, zh-CN unless `?lang=en`. */
export function statusPage(status: ExamReceiptStatus, locale: ReceiverLocale): string {
  const m: ReceiverMessages = locale === 'en' ? en : zhCN;
  const rows = status.sittings
    .map((s) => {
      const versions = s.versions
        .map(
          (v) =>
            `v${v.version} ${v.final ? m.final : m.interim} ${escapeHtml(v.receivedAt)} ${escapeHtml(v.packageSha256.slice(0, 12))}`,
        )
        .join('<br>');
      return `<tr class="${s.state}${s.flagged ? ' flagged' : ''}"><td>${escapeHtml(s.siteId)}</td><td>${escapeHtml(s.sittingId)}</td><td>${s.state === 'received' ? m.received : m.missing}${s.flagged ? ` ⚑ ${m.flagged}` : ''}</td><td>${versions}</td></tr>`;
    })
    .join('\n');
  const other = locale === 'en' ? '?lang=zh-CN' : '?lang=en';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${fill(m.title, { examId: status.examId })}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em}
tr.missing td{background:#fdd}tr.flagged td{background:#ffd}</style></head>
<body><p><a href="${other}">${m.otherLanguage}</a></p>
<h1>${fill(m.title, { examId: status.examId })}</h1>
<p>${fill(m.summary, { received: status.received, missing: status.missing })}</p>
<table><thead><tr><th>${m.site}</th><th>${m.sitting}</th><th>${m.state}</th><th>${m.versions}</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
