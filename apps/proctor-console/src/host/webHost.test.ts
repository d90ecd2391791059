import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ProctorHost } from './proctorHost.js';
import { startWebHost, type WebHost } from './webHost.js';

let web: WebHost;
let origin: string;
let token: string;
const host = new ProctorHost({ serverUrl: 'http://127.0.0.1:9' });

beforeAll(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'webhost-')), 'renderer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, '..', 'secret.txt'), 'not for the page');
  web = await startWebHost({ host, rendererDir: dir });
  const url = new URL(web.url);
  origin = url.origin;
  token = new URLSearchParams(url.hash.slice(1)).get('token')!;
});

afterAll(async () => {
  await web.close();
  host.close();
});

function connect(
  path: string,
  headers: Record<string, string>,
): Promise<{ opened: boolean; first?: unknown }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}${path}`, { headers });
    ws.once('message', (data) => {
      resolve({ opened: true, first: JSON.parse(String(data)) });
      ws.close();
    });
    ws.once('error', () => resolve({ opened: false }));
  });
}

describe('the web host', () => {
  it('serves the renderer on loopback with the content security policy', async () => {
    expect(web.url.startsWith('http://127.0.0.1:')).toBe(true);
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${origin}/..%2Fsecret.txt`)).status).toBe(404);
  });

  it('opens the bridge only with the start token and from its own origin', async () => {
    expect(await connect('/bridge?token=wrong', { origin })).toEqual({ opened: false });
    expect(await connect(`/bridge?token=${token}`, { origin: 'http://evil.example' })).toEqual({
      opened: false,
    });
    const ok = await connect(`/bridge?token=${token}`, { origin });
    expect(ok).toMatchObject({
      opened: true,
      first: { type: 'push', event: 'host', payload: { type: 'session', session: { phase: 'signed-out' } } },
    });
  });
});
