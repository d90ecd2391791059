import type { ReceiverMessages } from './zh-CN.js';

export const en: ReceiverMessages = {
  title: 'Answers received for {examId}',
  summary: '{received} sittings received, {missing} missing',
  site: 'Site',
  sitting: 'Sitting',
  state: 'State',
  received: 'received',
  missing: 'missing',
  versions: 'Versions',
  flagged: 'more than one version: to be checked by a person',
  final: 'final',
  interim: 'interim',
  receivedAt: 'Received at',
  otherLanguage: '中文',
};
