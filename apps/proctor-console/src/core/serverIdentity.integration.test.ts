import { type RogueCertificate, startRogueSite, testPki, testTrust } from '@exam/testkit';
import { describe, expect, it } from 'vitest';
import { ProctorHost } from '../host/proctorHost.js';
import { ProctorCore } from './proctorCore.js';

// Issue 16, point 2: the console talks only to a server whose certificate the centre issued
// for its site, so a rogue server never sees a sign-in, let alone the room's commands.

describe('the proctor console and a server posing as the site', () => {
  const cases: [RogueCertificate, string][] = [
    ['self-made-root', 'a certificate from a root of its own'],
    ['other-site', 'a centre certificate for another site'],
  ];
  for (const [kind, what] of cases) {
    it(`refuses a server with ${what} (SERVER_IDENTITY), before signing anything`, async () => {
      const rogue = await startRogueSite(kind);
      const key = testPki().proctors.get('R1')!;
      const core = new ProctorCore({
        serverUrl: rogue.url,
        siteId: 'SITE-T',
        centreRootPem: testTrust().centreRootPem,
        roomId: 'R1',
        key,
      });
      try {
        await expect(core.ready(10_000)).rejects.toMatchObject({ code: 'SERVER_IDENTITY' });
        expect(core.connected).toBe(false);
      } finally {
        core.close();
        await rogue.stop();
      }
    });
  }

  it('shows the refusal on the sign-in screen, with the centre root its key file came with', async () => {
    const rogue = await startRogueSite('self-made-root');
    const pki = testPki();
    const holder = pki.proctors.get('R1')!;
    const host = new ProctorHost({ serverUrl: rogue.url, connectTimeoutMs: 10_000 });
    try {
      await expect(
        host.connect(
          {
            key: { certPem: holder.certPem, privateKeyPem: holder.privateKeyPem },
            holder: holder.holder,
            role: 'proctor',
            siteId: 'SITE-T',
            roomId: 'R1',
            rootPem: pki.centre.certPem,
          },
          rogue.url,
        ),
      ).rejects.toMatchObject({ code: 'SERVER_IDENTITY' });
      let session: unknown = null;
      host.subscribe((push) => {
        if (push.type === 'session') session = push.session;
      })();
      expect(session).toMatchObject({ phase: 'signed-out', error: { code: 'SERVER_IDENTITY' } });
    } finally {
      host.close();
      await rogue.stop();
    }
  });
});
