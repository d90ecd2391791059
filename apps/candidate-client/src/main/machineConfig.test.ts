import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPki, testTrust } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMachineConfig } from './machineConfig.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The centre root installed beside the client, and the site it belongs to. */
function installedTrust(): Record<string, string> {
  const rootPath = join(dir, 'centre-root.pem');
  writeFileSync(rootPath, testTrust().centreRootPem);
  return { EXAM_CENTRE_ROOT: rootPath, EXAM_SITE_ID: 'SITE-T' };
}

describe('machine config', () => {
  it('reads the server and the seat the join screen proposes', () => {
    dir = mkdtempSync(join(tmpdir(), 'machine-config-'));
    const env = {
      EXAM_SERVER_URL: 'https://10.0.0.2:8443',
      EXAM_ROOM_ID: 'R01',
      EXAM_SEAT_NO: '12',
      ...installedTrust(),
    };
    expect(loadMachineConfig(env, dir)).toEqual({
      serverUrl: 'https://10.0.0.2:8443',
      trust: testTrust(),
      roomId: 'R01',
      seatNo: 12,
    });
  });

  it('needs no seat: the proctor approves where the machine sits', () => {
    dir = mkdtempSync(join(tmpdir(), 'machine-config-'));
    expect(loadMachineConfig({ EXAM_SERVER_URL: 'https://10.0.0.2:8443', ...installedTrust() }, dir)).toEqual(
      {
        serverUrl: 'https://10.0.0.2:8443',
        trust: testTrust(),
      },
    );
  });

  it('says what is wrong instead of starting half set up', () => {
    dir = mkdtempSync(join(tmpdir(), 'machine-config-'));
    expect(() =>
      loadMachineConfig({ EXAM_SERVER_URL: 'ftp://x', EXAM_ROOM_ID: 'R 1', EXAM_SEAT_NO: '0' }, dir),
    ).toThrow(
      'EXAM_SERVER_URL (https://host:port), EXAM_CENTRE_ROOT (the centre root certificate file) and EXAM_SITE_ID, EXAM_ROOM_ID, EXAM_SEAT_NO (1..500)',
    );
  });

  it('refuses plain http and a certificate that is not the centre root', () => {
    dir = mkdtempSync(join(tmpdir(), 'machine-config-'));
    const trust = installedTrust();
    expect(() => loadMachineConfig({ EXAM_SERVER_URL: 'http://10.0.0.2:8443', ...trust }, dir)).toThrow(
      'EXAM_SERVER_URL (https://host:port)',
    );
    writeFileSync(trust.EXAM_CENTRE_ROOT!, testPki().proctors.get('R1')!.certPem);
    expect(() => loadMachineConfig({ EXAM_SERVER_URL: 'https://10.0.0.2:8443', ...trust }, dir)).toThrow(
      'EXAM_CENTRE_ROOT',
    );
  });
});
