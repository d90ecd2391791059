/** The receiver's status page, zh-CN first (the centre's staff read it). */
export const zhCN = {
  title: '答案接收情况 {examId}',
  summary: '已接收 {received} 个场次，缺 {missing} 个',
  site: '考点',
  sitting: '场次',
  state: '状态',
  received: '已接收',
  missing: '未接收',
  versions: '版本',
  flagged: '有多个版本，需人工核查',
  final: '最终包',
  interim: '中间包',
  receivedAt: '接收时间',
  otherLanguage: 'English',
} as const;
export type ReceiverMessages = { [K in keyof typeof zhCN]: string };
