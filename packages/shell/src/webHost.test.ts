import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ShellBridge } from './bridge.js';
import { connectBridge, type SocketLike } from './bridgeClient.js';
import { type BridgeService, startWebHost, type WebHost } from './webHost.js';

let web: WebHost | null = null;
afterEach(async () => {
  await web?.close();
  web = null;
});

function renderer(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'shell-web-')), 'renderer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, '..', 'secret.txt'), 'not for the page');
  return dir;
}

/** An echoing service that pushes `hello` to each page as it connects. */
function echoService(): BridgeService & { pushAll(event: string, payload: unknown): void } {
  const pushes = new Set<(event: string, payload: unknown) => void>();
  return {
    async call(method, args) {
      if (method === 'fail') throw Object.assign(new Error('it failed'), { code: 'NOPE' });
      return { method, args };
    },
    subscribe(push) {
      push('hello', { n: 1 });
      pushes.add(push);
      return () => pushes.delete(push);
    },
    pushAll(event, payload) {
      for (const p of pushes) p(event, payload);
    },
  };
}

function open(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** The page's client as the browser would run it: the socket carries the page's Origin. */
function pageClient(w: WebHost): ShellBridge {
  const page = new URL(w.url);
  return connectBridge(
    { host: page.host, hash: page.hash },
    (url) => new WebSocket(url, { origin: w.origin }) as unknown as SocketLike,
  );
}

describe('the web-mode bridge host', () => {
  it('serves the renderer on loopback with the policy naming its own socket origin only', async () => {
    web = await startWebHost({ service: echoService(), rendererDir: renderer() });
    expect(web.url).toBe(`${web.origin}/#token=${web.token}`);
    expect(new URL(web.url).hostname).toBe('127.0.0.1');
    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(
      `connect-src 'self' ${web.origin.replace('http', 'ws')}`,
    );
    expect((await fetch(`${web.origin}/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(web.origin, { method: 'POST' })).status).toBe(405);
  });

  it('opens the bridge only with this start token and from its own origin', async () => {
    web = await startWebHost({ service: echoService(), rendererDir: renderer() });
    const ws = web.origin.replace('http', 'ws');
    await expect(open(`${ws}/bridge?token=${web.token}`, 'http://evil.test')).rejects.toThrow('401');
    await expect(open(`${ws}/bridge?token=wrong`, web.origin)).rejects.toThrow('401');
    await expect(open(`${ws}/bridge`, web.origin)).rejects.toThrow('401');
    await expect(open(`${ws}/other?token=${web.token}`, web.origin)).rejects.toThrow('404');
    (await open(`${ws}/bridge?token=${web.token}`, web.origin)).close();
  });

  it('gives a new token on each start unless a restart keeps the page address', async () => {
    const dir = renderer();
    web = await startWebHost({ service: echoService(), rendererDir: dir });
    const first = web;
    const second = await startWebHost({ service: echoService(), rendererDir: dir });
    expect(second.token).not.toBe(first.token);
    await second.close();
    const port = Number(new URL(first.url).port);
    await first.close();
    web = await startWebHost({ service: echoService(), rendererDir: dir, port, token: first.token });
    expect(web.url).toBe(first.url);
  });

  it('carries calls, replies, errors and pushes between the page and the app', async () => {
    const service = echoService();
    web = await startWebHost({
      service: { ...service, errorCode: (e) => (e as { code?: string }).code ?? 'INTERNAL' },
      rendererDir: renderer(),
    });
    const client = pageClient(web);
    expect(client.mode).toBe('web');
    expect(await client.invoke('getState', [1, 'a'])).toEqual({
      ok: true,
      value: { method: 'getState', args: [1, 'a'] },
    });
    expect(await client.invoke('fail', [])).toEqual({
      ok: false,
      error: { code: 'NOPE', message: 'it failed' },
    });
    // The push sent on connection waited for the first listener.
    const seen: unknown[] = [];
    client.subscribe((event, payload) => seen.push([event, payload]));
    expect(seen).toEqual([['hello', { n: 1 }]]);
    service.pushAll('state', { phase: 'exam' });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]).toEqual(['state', { phase: 'exam' }]);
  });

  it('fails waiting and later calls as OFFLINE once the host is gone', async () => {
    const service: BridgeService = {
      // `ping` answers (the socket is open); anything else never does.
      call: (method) => (method === 'ping' ? Promise.resolve('pong') : new Promise(() => {})),
      subscribe: () => () => {},
    };
    web = await startWebHost({ service, rendererDir: renderer() });
    const client = pageClient(web);
    expect(await client.invoke('ping', [])).toEqual({ ok: true, value: 'pong' });
    const waiting = client.invoke('never', []);
    const closing = web.close();
    web = null;
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
    await closing;
    expect(await client.invoke('again', [])).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
  });
});
