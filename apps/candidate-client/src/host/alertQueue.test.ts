import type { ClientAlert } from '@exam/protocol';
import { describe, expect, it } from 'vitest';
import { AlertQueue } from './alertQueue.js';

describe('alert queue', () => {
  it('keeps alerts made offline and sends them in order once the connection is back', async () => {
    const sent: ClientAlert[] = [];
    let online = false;
    const q = new AlertQueue(async (a) => {
      if (!online) throw new Error('offline');
      sent.push(a);
    });
    q.add({ kind: 'focus-lost' });
    q.add({ kind: 'close-attempt', detail: 'x' });
    await q.flush();
    expect(sent).toEqual([]);
    expect(q.size).toBe(2);
    online = true;
    await q.flush();
    expect(sent.map((a) => a.kind)).toEqual(['focus-lost', 'close-attempt']);
    expect(q.size).toBe(0);
  });

  it('drops the oldest when a flood fills it', () => {
    const q = new AlertQueue(async () => {});
    for (let i = 0; i < 150; i++) q.add({ kind: 'focus-lost', detail: String(i) });
    expect(q.size).toBe(100);
  });
});
