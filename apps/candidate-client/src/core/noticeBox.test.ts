import { describe, expect, it } from 'vitest';
import { NoticeBox } from './noticeBox.js';

const notice = (noticeId: number, at = noticeId) => ({ noticeId, text: `通知${noticeId}`, at });

describe('NoticeBox', () => {
  it('shows each notice once, oldest first', () => {
    const box = new NoticeBox();
    expect(box.receive(notice(2))).toBe(true);
    expect(box.receive(notice(1))).toBe(true);
    expect(box.receive(notice(2))).toBe(false);
    expect(box.list().map((n) => n.noticeId)).toEqual([1, 2]);
  });

  it('keeps a dismissal made offline out of the server list at resume, until it is sent', () => {
    const box = new NoticeBox();
    box.replace([notice(1), notice(2)]);
    expect(box.dismiss(1)).toBe(true);
    expect(box.dismiss(1)).toBe(false);
    box.replace([notice(1), notice(2), notice(3)]);
    expect(box.list().map((n) => n.noticeId)).toEqual([2, 3]);
    expect(box.toSend()).toEqual([1]);
    box.sent(1);
    expect(box.toSend()).toEqual([]);
    expect(box.receive(notice(1))).toBe(true);
  });
});
