import { describe, expect, it } from 'vitest';
import type { JoinRequestView } from '../../shared/api.js';
import { translator } from './i18n.js';
import { approvedText, joinConfirmation } from './joinRequests.js';

const request: JoinRequestView = {
  fingerprint: '3f2a91c07d110b9e'.padEnd(64, '0'),
  fingerprintText: '3F2A-91C0-7D11-0B9E',
  seatNo: 12,
  remoteAddress: '10.0.1.12',
  clientVersion: '1.0.0',
  requestedAt: 0,
  replaces: null,
};

describe('approving a machine on the console', () => {
  const t = translator('zh-CN');

  it('asks the proctor to confirm the seat and the fingerprint', () => {
    const c = joinConfirmation(request, 'approve');
    expect(t(c.key, c.params)).toBe('批准指纹为 3F2A-91C0-7D11-0B9E 的考试机用于座位 12。');
  });

  it('says the seat’s old machine will be retired when there is one', () => {
    const c = joinConfirmation({ ...request, replaces: 'AAAA-BBBB-CCCC-DDDD' }, 'approve');
    const text = t(c.key, c.params);
    expect(text).toContain('AAAA-BBBB-CCCC-DDDD');
    expect(text).toContain('原考试机将被停用');
    expect(translator('en')(c.key, c.params)).toContain('retires the old one');
  });

  it('names seat and fingerprint when refusing, and after approving', () => {
    const refuse = joinConfirmation(request, 'refuse');
    expect(t(refuse.key, refuse.params)).toContain('座位 12');
    const done = approvedText({ ...request, replaces: 'AAAA-BBBB-CCCC-DDDD' }, true);
    expect(t(done.key, done.params)).toBe(
      '已批准：座位 12 · 指纹 3F2A-91C0-7D11-0B9E。原考试机（指纹 AAAA-BBBB-CCCC-DDDD）已停用。',
    );
  });
});
