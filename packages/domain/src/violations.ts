/**
 * Violations the notice's annex 3 names for computer-based exams, with the handling each
 * carries under Order No. 31. The system records them; people decide and sign.
 */
export const VIOLATION_CATEGORIES = Object.freeze({
  'mark-or-sign': { consequence: 'score-void', zh: '在电子答卷上作标记或在非署名处署名' },
  'close-or-restart-machine': { consequence: 'score-void', zh: '擅自关闭或重启考试机' },
  'move-screen-or-unit': { consequence: 'score-void', zh: '大幅度调整显示屏位置和角度或搬动主机箱' },
  'replace-or-damage-equipment': { consequence: 'score-void', zh: '擅自更换或故意损毁机考设施设备' },
  'external-device': { consequence: 'serious', zh: '使用自带外接设备' },
  'cheating-tool': { consequence: 'serious', zh: '安装作弊工具和程序' },
  'system-intrusion': { consequence: 'especially-serious', zh: '非法侵入考试系统或非法获取、修改考试数据' },
  'public-order': { consequence: 'police', zh: '违反治安管理的行为' },
  other: { consequence: 'per-order-31', zh: '其他违纪违规行为' },
} as const);

export type ViolationCategory = keyof typeof VIOLATION_CATEGORIES;
export const VIOLATION_CATEGORY_KEYS = Object.freeze(
  Object.keys(VIOLATION_CATEGORIES) as ViolationCategory[],
);

export const CONSEQUENCE_ZH = Object.freeze({
  'score-void': '当次该科目考试成绩无效',
  serious: '按严重违纪违规行为处理',
  'especially-serious': '按特别严重违纪违规行为处理',
  police: '交由公安部门处理',
  'per-order-31': '按《专业技术人员资格考试违纪违规行为处理规定》处理',
} as const);

/**
 * The rules require the candidate to be told the facts and the handling before it is
 * decided (处理前的告知). A violation is recorded first and confirmed only once told.
 */
export function canConfirmViolation(v: { notifiedAt: number | null }): boolean {
  return v.notifiedAt !== null;
}
