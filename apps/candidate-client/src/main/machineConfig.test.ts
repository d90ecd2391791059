import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMachineConfig } from './machineConfig.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('machine config', () => {
  it('keeps one machine id across restarts', () => {
    dir = mkdtempSync(join(tmpdir(), 'machine-config-'));
    const env = { EXAM_SERVER_URL: 'http://10.0.0.2:8443', EXAM_ROOM_ID: 'R01', EXAM_SEAT_NO: '12' };
    const first = loadMachineConfig(env, dir);
    expect(first).toMatchObject({ serverUrl: 'http://10.0.0.2:8443', roomId: 'R01', seatNo: 12 });
    expect(first.machineId).toMatch(/^m-[0-9a-f]{16}$/);
    expect(loadMachineConfig(env, dir).machineId).toBe(first.machineId);
  });

  it('says what is missing instead of starting half set up', () => {
    dir = mkdtempSync(join(tmpdir(), 'machine-config-'));
    expect(() => loadMachineConfig({ EXAM_SERVER_URL: 'ftp://x', EXAM_SEAT_NO: '0' }, dir)).toThrow(
      'EXAM_SERVER_URL (http://host:port), EXAM_ROOM_ID, EXAM_SEAT_NO (1..500)',
    );
  });
});
