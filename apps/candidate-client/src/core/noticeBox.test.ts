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

  it('keeps a dismissal made offline out of the server list at resume, until it is sent', async () => {
    const box = new NoticeBox();
    box.replace([notice(1), notice(2)]);
    expect(box.dismiss(1)).toBe(true);
    expect(box.dismiss(1)).toBe(false);
    box.replace([notice(1), notice(2), notice(3)]);
    expect(box.list().map((n) => n.noticeId)).toEqual([2, 3]);
    const sent: number[] = [];
    const offline = new Error('offline');
    await box.sendDismissals(
      () => Promise.reject(offline),
      (e) => e !== offline,
    );
    await box.sendDismissals(
      async (id) => void sent.push(id),
      () => false,
    );
    expect(sent).toEqual([1]);
    await box.sendDismissals(
      async (id) => void sent.push(id),
      () => false,
    );
    expect(sent).toEqual([1]);
    expect(box.receive(notice(1))).toBe(true);
  });
});

describe('NoticeBox.sendDismissals', () => {
  it('drops a dismissal the server refuses for good and goes on to the next', async () => {
    const box = new NoticeBox();
    box.replace([notice(1), notice(2)]);
    box.dismiss(1);
    box.dismiss(2);
    const forbidden = new Error('FORBIDDEN');
    const sent: number[] = [];
    await box.sendDismissals(
      async (id) => {
        if (id === 1) throw forbidden;
        sent.push(id);
      },
      (e) => e === forbidden,
    );
    expect(sent).toEqual([2]);
    await box.sendDismissals(
      async (id) => void sent.push(id),
      () => false,
    );
    expect(sent).toEqual([2]);
  });
});
