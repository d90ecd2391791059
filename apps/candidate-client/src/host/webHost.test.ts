import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testTrust } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CandidateHost } from './candidateHost.js';
import { startWebHost, type WebHost } from './webHost.js';

let dir = '';
let host: CandidateHost | null = null;
let web: WebHost | null = null;

afterEach(async () => {
  await web?.close();
  host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('web host', () => {
  it('serves the bridge to its own page only, with this start token, on loopback', async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-host-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    host = new CandidateHost({
      // Nothing listens there: the bridge works while the core keeps trying to connect.
      core: {
        serverUrl: 'https://127.0.0.1:9',
        trust: testTrust(),
        journalPath: join(dir, 'journal.db'),
        roomId: 'R1',
        seatNo: 2,
        clientVersion: '0.1.0',
      },
    });
    web = await startWebHost({ host, rendererDir: dir });
    expect(new URL(web.url).hostname).toBe('127.0.0.1');
    const page = await fetch(web.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const bridge = `${web.origin.replace('http', 'ws')}/bridge`;
    expect(web.url).toBe(`${web.origin}/#token=${web.token}`);
    await expect(open(`${bridge}?token=${web.token}`, 'http://evil.test')).rejects.toThrow('401');
    // Its own origin is not enough: another local page could claim it; the token is this start's.
    await expect(open(bridge, web.origin)).rejects.toThrow('401');
    await expect(open(`${bridge}?token=wrong`, web.origin)).rejects.toThrow('401');
    const ws = await open(`${bridge}?token=${web.token}`, web.origin);
    const reply = new Promise<unknown>((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string };
        if (m.type === 'reply') resolve(m);
      }),
    );
    ws.send(JSON.stringify({ type: 'call', id: 7, method: 'getState', args: [] }));
    expect(await reply).toMatchObject({
      id: 7,
      value: {
        connection: 'connecting',
        phase: 'signed-out',
        // Not heard by any site yet: no seat, only the one it was set up for (issue 16).
        machine: { admission: 'unproven', seatNo: null, proposed: { roomId: 'R1', seatNo: 2 } },
      },
    });
    ws.close();
  });
});
