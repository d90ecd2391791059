import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectQueue, type SendVerdict } from './collectQueue.js';

/** The console's 待回收 queue on a real folder: kept once, sent in order, never lost. */
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'collect-queue-'));
  return { dir, queue: new CollectQueue(dir) };
};

describe('the answer files the console keeps for the site server', () => {
  it('keeps the same file once and lists files oldest first', async () => {
    const { queue } = fresh();
    const a = await queue.add(Buffer.from('file a'), 'standalone-1-aa-1.exampkg');
    expect(await queue.add(Buffer.from('file a'), 'copy.exampkg')).toEqual(a);
    await queue.add(Buffer.from('file b'), '../../etc/standalone-1-aa-2.exampkg');
    const listed = await queue.list();
    expect(listed.map((q) => q.fileName)).toEqual(['standalone-1-aa-1.exampkg', 'standalone-1-aa-2.exampkg']);
  });

  it('still holds the files after the console restarts (a new queue on the same folder)', async () => {
    const { dir, queue } = fresh();
    await queue.add(Buffer.from('kept'), 'kept.exampkg');
    const restarted = new CollectQueue(dir);
    expect((await restarted.list()).map((q) => q.fileName)).toEqual(['kept.exampkg']);
    await restarted.add(Buffer.from('later'), 'later.exampkg');
    expect((await restarted.list()).map((q) => q.fileName)).toEqual(['kept.exampkg', 'later.exampkg']);
  });

  it('stops at an unreachable server, keeps the rest, and moves a refused file aside', async () => {
    const { dir, queue } = fresh();
    await queue.add(Buffer.from('one'), 'one.exampkg');
    await queue.add(Buffer.from('two'), 'two.exampkg');
    await queue.add(Buffer.from('three'), 'three.exampkg');
    const sent: string[] = [];
    await queue.drain(async (bytes) => {
      sent.push(bytes.toString());
      return { kind: 'unreachable' };
    });
    expect(sent).toEqual(['one']);
    expect(await queue.list()).toHaveLength(3);

    const verdicts: Record<string, SendVerdict> = {
      one: { kind: 'sent' },
      two: { kind: 'refused' },
      three: { kind: 'sent' },
    };
    await queue.drain(async (bytes) => verdicts[bytes.toString()] ?? { kind: 'unreachable' });
    expect(await queue.list()).toEqual([]);
    const refused = readdirSync(join(dir, 'standalone-refused'));
    expect(refused).toHaveLength(1);
    expect(readFileSync(join(dir, 'standalone-refused', refused[0]!)).toString()).toBe('two');
    expect(existsSync(join(dir, 'standalone-queue'))).toBe(true);
  });

  it('sends a file added during a drain in that same drain, and never one file twice at once', async () => {
    const { queue } = fresh();
    await queue.add(Buffer.from('first'), 'first.exampkg');
    const sent: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const send = async (bytes: Buffer): Promise<SendVerdict> => {
      sent.push(bytes.toString());
      if (bytes.toString() === 'first') await gate;
      return { kind: 'sent' };
    };
    const running = queue.drain(send);
    await queue.add(Buffer.from('second'), 'second.exampkg');
    const joined = queue.drain(send);
    release();
    await Promise.all([running, joined]);
    expect(sent).toEqual(['first', 'second']);
    expect(await queue.list()).toEqual([]);
  });
});
