import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where this test machine sits and which server it talks to, as the site set it up. */
export interface MachineConfig {
  serverUrl: string;
  roomId: string;
  seatNo: number;
  machineId: string;
}

/**
 * Read from the environment (the site's installer sets it per machine). The machine id is
 * made once and kept beside the journal, so a restart registers as the same machine.
 */
export function loadMachineConfig(env: NodeJS.ProcessEnv, dataDir: string): MachineConfig {
  const serverUrl = env.EXAM_SERVER_URL ?? '';
  const roomId = env.EXAM_ROOM_ID ?? '';
  const seatNo = Number(env.EXAM_SEAT_NO);
  const problems: string[] = [];
  if (!/^https?:\/\/[^/]+$/.test(serverUrl)) problems.push('EXAM_SERVER_URL (http://host:port)');
  if (!/^[\w-]{1,64}$/.test(roomId)) problems.push('EXAM_ROOM_ID');
  if (!Number.isInteger(seatNo) || seatNo < 1 || seatNo > 500) problems.push('EXAM_SEAT_NO (1..500)');
  if (problems.length) throw new Error(`This test machine is not set up: ${problems.join(', ')}.`);
  const idFile = join(dataDir, 'machine-id');
  if (!existsSync(idFile)) writeFileSync(idFile, `m-${randomBytes(8).toString('hex')}\n`, { mode: 0o600 });
  return { serverUrl, roomId, seatNo, machineId: readFileSync(idFile, 'utf8').trim() };
}
