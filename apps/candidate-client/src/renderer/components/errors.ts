import type { BridgeError } from '../../shared/result.js';
import type { Translate } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/zh-CN.js';
import { zhCN } from '../i18n/zh-CN.js';

/** A bridge error in the candidate's words; unknown codes say "call the proctor" with the code. */
export function errorText(
  t: Translate,
  e: BridgeError,
  params: Record<string, string | number> = {},
): string {
  const key = `error.${e.code}`;
  return key in zhCN ? t(key as MessageKey, params) : t('error.generic', { code: e.code });
}

/** Why a hand-in failed, in one sentence; the code itself stays on screen for the proctor. */
export function handInFailureText(t: Translate, code: string): string {
  const key = `end.failureReason.${code}`;
  return key in zhCN ? t(key as MessageKey) : t('end.failureReason.other');
}
