import type { CleanupChecklist, CleanupReport, Receipt, SiteStatus } from '@exam/protocol';

/**
 * What each command prints for a person: zh-CN first, English after it, one fact a line
 * (as the other CLIs do). `--json` prints the API's value instead.
 */
type Lines = string[];

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function describeImportExam(v: {
  examId: string;
  examName: string;
  siteId: string;
  siteName: string;
  batches: number;
  rooms: number;
  sittings: number;
  candidates: number;
  registeredKeys: number;
}): Lines {
  return [
    `已导入考试数据 exam data imported: ${v.examName} (${v.examId})`,
    `  考点 site: ${v.siteName} (${v.siteId})`,
    `  批次 batches: ${v.batches}  考场 rooms: ${v.rooms}  场次 sittings: ${v.sittings}  考生 candidates: ${v.candidates}  已登记密钥 registered keys: ${v.registeredKeys}`,
  ];
}

export function describeAuthorization(v: {
  sittings: string[];
  validFrom: string;
  validUntil: string;
}): Lines {
  return [
    `已导入授权 authorization imported: ${v.sittings.length} 个场次 sittings (${v.sittings.join(', ')})`,
    `  有效期 valid: ${v.validFrom} — ${v.validUntil}`,
  ];
}

export function describeStatus(v: SiteStatus): Lines {
  const lines = [
    `考试 exam: ${v.examId ?? '未导入 none imported'}  考生 candidates: ${v.candidates}  作答记录 answer changes: ${v.answerChanges}`,
  ];
  for (const s of v.sittings) {
    const open = s.roomsNotEnded.map((r) => `${r.roomId} (${r.phase})`).join(', ');
    lines.push(`场次 sitting ${s.sittingId} ${s.subjectName}`);
    lines.push(`  未结束考场 rooms not ended: ${open || '无 none'}`);
    lines.push(`  最终答卷包 final package: ${s.finalPackage ? s.finalPackage.path : '无 none'}`);
  }
  return lines;
}

interface UploadsView {
  receiverUrl: string | null;
  note: string | null;
  sittings: {
    sittingId: string;
    state: string;
    offset: number;
    size: number;
    lastError: string | null;
    receipt: { receiptId: string; version: number; flagged: boolean } | null;
  }[];
}

export function describeUploads(v: UploadsView): Lines {
  const lines = [`接收端 receiver: ${v.receiverUrl ?? '未配置 none configured'}`];
  if (v.note) lines.push(`  ${v.note}`);
  if (v.sittings.length === 0) lines.push('尚无上传 no uploads yet');
  for (const s of v.sittings) {
    const receipt = s.receipt
      ? `  回执 receipt ${s.receipt.receiptId} v${s.receipt.version}${s.receipt.flagged ? ' 已标记 FLAGGED' : ''}`
      : '';
    lines.push(`场次 sitting ${s.sittingId}: ${s.state}  ${mib(s.offset)} / ${mib(s.size)}${receipt}`);
    if (s.lastError && s.state !== 'receipt-verified') lines.push(`  上次错误 last error: ${s.lastError}`);
  }
  return lines;
}

interface BackupsView {
  sittings: { sittingId: string; ended: boolean; state: string; backup: { path: string } | null }[];
  rooms: { roomId: string; day: string; state: string; backup: { path: string } | null }[];
}

export function describeBackups(v: BackupsView): Lines {
  const lines: Lines = [];
  for (const s of v.sittings) {
    lines.push(
      `考点服务器备份 site backup, 场次 sitting ${s.sittingId}: ${s.state}${s.backup ? `  ${s.backup.path}` : ''}`,
    );
  }
  for (const r of v.rooms) {
    lines.push(
      `监考机备份 console backup, 考场 room ${r.roomId} ${r.day}: ${r.state}${r.backup ? `  ${r.backup.path}` : ''}`,
    );
  }
  if (lines.length === 0) lines.push('尚无备份 no backups yet');
  return lines;
}

export function describeAnswerPackage(v: {
  path: string;
  sha256: string;
  finality: { kind: string; roomsNotEnded?: string[] };
}): Lines {
  const final = v.finality.kind === 'final';
  const lines = [`已写出答卷包 answer package written (${final ? '最终 final' : '中间 interim'}): ${v.path}`];
  if (!final && v.finality.roomsNotEnded?.length) {
    lines.push(`  未结束考场 rooms not ended: ${v.finality.roomsNotEnded.join(', ')}`);
  }
  lines.push(`  SHA-256: ${v.sha256}`);
  return lines;
}

export function describeMediaExport(v: {
  packagePath: string;
  manifestPath: string;
  sha256: string;
  size: number;
}): Lines {
  return [
    `已写入介质 written to the media (read back and checked): ${v.packagePath} (${mib(v.size)})`,
    `  清单 manifest: ${v.manifestPath}`,
    `  SHA-256: ${v.sha256}`,
  ];
}

export function describeReceipt(v: Receipt): Lines {
  return [
    `回执已核验，场次已确认 receipt verified, sitting confirmed: ${v.sittingId} (receipt ${v.receiptId}, v${v.version})`,
  ];
}

export function describeChecklist(v: CleanupChecklist): Lines {
  const lines = [`考点 site: ${v.siteId ?? '—'}`];
  for (const s of v.sittings.filter((x) => x.held)) {
    const r = s.receiptVerified
      ? `已核验回执 receipt verified (${s.via ?? '?'})`
      : '无已核验回执 NO verified receipt';
    lines.push(`场次 sitting ${s.sittingId}: ${r}`);
  }
  lines.push(`备份 backups: ${v.backups.complete ? '齐全 complete' : '不全 INCOMPLETE'}`);
  if (v.missing.length === 0) lines.push('可以清理 nothing is missing: the cleanup may go ahead');
  else lines.push(`尚缺 ${v.missing.length} 项 missing:`, ...v.missing.map((m) => `  - ${m}`));
  return lines;
}

export function describeCleanup(v: CleanupReport): Lines {
  const lines = [`已清理 cleaned up at ${v.cleanedAt} (site ${v.siteId ?? '—'}, exam ${v.examId ?? '—'})`];
  for (const r of v.removed) lines.push(`  已删除 removed: ${r.path} (${r.bytes} bytes)`);
  lines.push(`  保留 kept: ${v.kept.join(', ')}`);
  lines.push(`  最终审计导出 final audit export: ${v.finalAuditExport}`);
  lines.push(`  清理报告 report (with every receipt): ${v.reportFile}`);
  if (v.override)
    lines.push(
      `  主考签字越过检查 overridden by the chief examiner ${v.override.holder}: ${v.override.reason}`,
    );
  lines.push('服务器将停止；重新启动后为空考点 the server stops; started again, it is an empty site');
  return lines;
}
