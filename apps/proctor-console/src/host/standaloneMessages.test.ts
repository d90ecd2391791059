import { ERROR_CODES } from '@exam/protocol';
import { STANDALONE_ERROR_CODES } from '@exam/standalone';
import { describe, expect, it } from 'vitest';
import { en } from '../renderer/i18n/en.js';
import { zhCN } from '../renderer/i18n/zh-CN.js';
import { errorText, translator } from '../renderer/model/i18n.js';
import { historyText } from '../renderer/ui/historyText.js';
import { auditHistory } from './auditHistory.js';

/**
 * Every refusal a standalone case can meet at the console (issue 17) is a sentence in the
 * proctor's language, never the server's English: the site's codes, the format's finer reasons
 * (sent as `details.reason` of BAD_PACKAGE), and the console's own.
 */
const SITE_CODES = [
  ERROR_CODES.STANDALONE_ACTIVE,
  ERROR_CODES.CONSENT_REFUSED,
  ERROR_CODES.UNKNOWN_PACKAGE,
  ERROR_CODES.STANDALONE_CANCELLED,
  ERROR_CODES.STALE_ANSWER_FILE,
  ERROR_CODES.WRONG_MACHINE,
  ERROR_CODES.BAD_PACKAGE,
  ERROR_CODES.SEQ_CONFLICT,
  ERROR_CODES.AFTER_END,
  ERROR_CODES.MACHINE_NOT_APPROVED,
  ERROR_CODES.NO_SITTING,
  ERROR_CODES.NOT_READY,
  ERROR_CODES.UNKNOWN_TICKET,
  ERROR_CODES.SITTING_NOT_STARTED,
  ERROR_CODES.NOT_ALLOWED_NOW,
  ERROR_CODES.FORBIDDEN,
  ERROR_CODES.UNAUTHORIZED,
  ERROR_CODES.INVALID_MESSAGE,
  ERROR_CODES.INTERNAL,
];
const CONSOLE_CODES = [
  'NOT_CHIEF_KEY',
  'BAD_PIN',
  'BAD_KEY_FILE',
  'FOLDER_NOT_FOUND',
  'FILE_NOT_FOUND',
  'FILE_TOO_LARGE',
  'NOT_AN_ANSWER_FILE',
  'OFFLINE',
  'TIMEOUT',
  'NOT_SIGNED_IN',
];

describe('standalone refusals as sentences', () => {
  it('has a zh-CN and an en sentence for every code', () => {
    const codes = [...SITE_CODES, ...CONSOLE_CODES, ...Object.values(STANDALONE_ERROR_CODES)];
    for (const code of codes) {
      expect(zhCN, code).toHaveProperty(`error.${code}`);
      expect(en, code).toHaveProperty(`error.${code}`);
      expect(errorText(translator('zh-CN'), { code, message: 'English' })).not.toContain('English');
    }
  });

  it('words a refused file by its finer reason, and an older file with both numbers', () => {
    const zh = translator('zh-CN');
    expect(
      errorText(zh, {
        code: 'BAD_PACKAGE',
        message: 'x',
        details: { reason: STANDALONE_ERROR_CODES.BAD_SIGNATURE },
      }),
    ).toBe('文件签名不符：文件已被改动。');
    expect(errorText(zh, { code: 'BAD_PACKAGE', message: 'x', details: { reason: 'SOMETHING_ELSE' } })).toBe(
      '文件不是有效的单机作答文件。',
    );
    expect(
      errorText(zh, { code: 'STALE_ANSWER_FILE', message: 'x', details: { fileSeq: 1, lastFileSeq: 3 } }),
    ).toBe('此作答文件（序号 1）比已回收的文件（序号 3）旧，是重放或较早的文件，未合并。');
  });
});

describe('standalone events in a candidate’s history', () => {
  it('says who consented and why, and how much a collection merged', () => {
    const zh = translator('zh-CN');
    const lines = auditHistory(
      [
        {
          seq: 7,
          at: 1,
          actorRole: 'proctor',
          actorId: 'R1',
          action: 'standalone.exported',
          data: { reason: '考试机故障', consent: { by: '主考', signature: 'x' } },
        },
        {
          seq: 8,
          at: 2,
          actorRole: 'proctor',
          actorId: 'R1',
          action: 'standalone.collected',
          data: { merged: 12, fileSeq: 1 },
        },
        {
          seq: 9,
          at: 3,
          actorRole: 'proctor',
          actorId: 'R1',
          action: 'standalone.cancelled',
          data: { reason: '改用备用机', consent: { by: '主考' } },
        },
      ],
      '210400100001',
      'S-J-ECON',
    );
    expect(lines.map((l) => historyText(zh, 'zh-CN', l))).toEqual([
      '导出单机考试包（主考 同意；原因：考试机故障）',
      '回收单机作答文件 1（合并 12 条）',
      '撤销单机考试包（主考 同意；原因：改用备用机）',
    ]);
  });
});
