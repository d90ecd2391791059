import { type Ack, displayFingerprint } from '@exam/protocol';
import {
  call,
  connected,
  proveMachine,
  rawSocket,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../testing/browser.js';
import { type ConsoleUnderTest, openConsole } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';

/**
 * Machines that prove who they are (issue 16), on the console against a real site server:
 * a machine asks to join a seat; the proctor sees seat and fingerprint, confirms and approves
 * (or refuses) it; approving a spare for a seat that has a machine retires the old one.
 */
let site: TestSite;
let browser: TestBrowser;
let console_: ConsoleUnderTest;
const machines: Socket[] = [];

/** The labelled test machine's fingerprint as people read it ("3F2A-91C0-7D11-0B9E"). */
const shown = (label: string) => displayFingerprint(testMachineFingerprint(label));

/** A test machine that proved its key and asked to join `seatNo` of R1; it stays connected. */
async function askToJoin(label: string, seatNo: number): Promise<Socket> {
  const socket = rawSocket(site.url, 'candidate');
  machines.push(socket);
  await connected(socket);
  expect((await proveMachine(socket, label, '2.4.1')).status).toBe('unknown');
  const joined = await call<Ack<{ status: string }>>(socket, 'machine:join', { roomId: 'R1', seatNo });
  expect(joined).toMatchObject({ ok: true, value: { status: 'pending' } });
  return socket;
}

const pushed = (socket: Socket, event: string) => new Promise<unknown>((r) => socket.once(event, r));

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite({ rooms: 1, perRoom: 3 }), launchBrowser()]);
  console_ = await openConsole(site, 'R1', browser);
  await console_.page.getByTestId('room-name').waitFor();
});

afterAll(async () => {
  for (const m of machines) m.disconnect();
  await console_?.close();
  await browser?.close();
  await site?.stop();
});

describe('approving test machines on the console', () => {
  it('shows a join request with seat, fingerprint, address and version, and approves it after a confirmation', async () => {
    const { page } = console_;
    const machine = await askToJoin('console-m1', 2);
    const row = page.getByTestId('join-request');
    await eventually(() => row.count()).toBe(1);
    const text = await row.textContent();
    expect(text).toContain('座位 2');
    expect(text).toContain(shown('console-m1'));
    expect(text).toContain('2.4.1');
    expect(text).toMatch(/127\.0\.0\.1/);

    await row.getByTestId('join-approve').click();
    const dialog = page.getByTestId('machine-dialog');
    expect(await dialog.getByTestId('machine-confirm').textContent()).toBe(
      `批准指纹为 ${shown('console-m1')} 的考试机用于座位 2。`,
    );
    const approved = pushed(machine, 'machine:approved');
    await dialog.getByTestId('dialog-submit').click();
    expect(await approved).toMatchObject({ roomId: 'R1', seatNo: 2 });
    await eventually(() => page.getByTestId('flash').textContent()).toContain(
      `已批准：座位 2 · 指纹 ${shown('console-m1')}`,
    );
    await eventually(() => page.getByTestId('join-requests').count()).toBe(0);
  });

  it('says the seat’s old machine will be retired when a spare is approved for it', async () => {
    const { page } = console_;
    await askToJoin('console-spare', 2);
    const row = page.getByTestId('join-request');
    await eventually(() => row.count()).toBe(1);
    await eventually(() => row.textContent()).toContain(`该座位已有考试机（指纹 ${shown('console-m1')}）`);
    await row.getByTestId('join-approve').click();
    const dialog = page.getByTestId('machine-dialog');
    const confirm = await dialog.getByTestId('machine-confirm').textContent();
    expect(confirm).toContain(shown('console-spare'));
    expect(confirm).toContain(`已有获准的考试机（指纹 ${shown('console-m1')}）`);
    expect(confirm).toContain('原考试机将被停用');
    await dialog.getByTestId('dialog-submit').click();
    await eventually(() => page.getByTestId('flash').textContent()).toContain(
      `原考试机（指纹 ${shown('console-m1')}）已停用`,
    );
    // The old machine is a stranger again: it may only ask to join.
    const old = rawSocket(site.url, 'candidate');
    machines.push(old);
    await connected(old);
    expect((await proveMachine(old, 'console-m1')).status).toBe('unknown');
  });

  it('refuses a request after a confirmation; the machine is told', async () => {
    const { page } = console_;
    const machine = await askToJoin('console-stranger', 3);
    const row = page.getByTestId('join-request');
    await eventually(() => row.count()).toBe(1);
    await row.getByTestId('join-refuse').click();
    const dialog = page.getByTestId('machine-dialog');
    expect(await dialog.getByTestId('machine-confirm').textContent()).toContain(
      `拒绝指纹为 ${shown('console-stranger')} 的考试机加入座位 3`,
    );
    const refused = pushed(machine, 'machine:refused');
    await dialog.getByTestId('dialog-submit').click();
    await refused;
    await eventually(() => page.getByTestId('join-requests').count()).toBe(0);
    const bound = site.server.ctx.db
      .prepare('SELECT COUNT(*) FROM machine_bindings WHERE fingerprint = ?')
      .pluck()
      .get(testMachineFingerprint('console-stranger'));
    expect(bound).toBe(0);
  });
});
