import { readFileSync } from 'node:fs';
import { readSiteTrust, type SiteTrust } from '@exam/crypto';
/**
 * Which server this test machine talks to, and the seat the site set it up for. The seat is
 * only what the join screen proposes: the machine sits where the proctor approves it (its
 * key, in the data directory, is its identity; see core/machineKey.ts).
 */
export interface MachineConfig {
  /** `https://host:port`: the site server speaks TLS only. */
  serverUrl: string;
  /** The centre root (EXAM_CENTRE_ROOT, a PEM file) and this site's id (EXAM_SITE_ID). */
  trust: SiteTrust;
  roomId?: string;
  seatNo?: number;
}

/**
 * Read from the environment (the site's installer sets it per machine, with the centre root
 * file it installs beside the client at machine preparation).
 */
export function loadMachineConfig(env: NodeJS.ProcessEnv, _dataDir: string): MachineConfig {
  const serverUrl = env.EXAM_SERVER_URL ?? '';
  const siteId = env.EXAM_SITE_ID ?? '';
  const rootPath = env.EXAM_CENTRE_ROOT ?? '';
  const roomId = env.EXAM_ROOM_ID ?? '';
  const seatNo = Number(env.EXAM_SEAT_NO ?? '');
  const problems: string[] = [];
  if (!/^https:\/\/[^/]+$/.test(serverUrl)) problems.push('EXAM_SERVER_URL (https://host:port)');
  let trust: SiteTrust | null = null;
  try {
    trust = readSiteTrust(readFileSync(rootPath, 'utf8'), siteId);
  } catch {
    problems.push('EXAM_CENTRE_ROOT (the centre root certificate file) and EXAM_SITE_ID');
  }
  if (roomId !== '' && !/^[\w-]{1,64}$/.test(roomId)) problems.push('EXAM_ROOM_ID');
  const hasSeat = env.EXAM_SEAT_NO !== undefined && env.EXAM_SEAT_NO !== '';
  if (hasSeat && (!Number.isInteger(seatNo) || seatNo < 1 || seatNo > 500))
    problems.push('EXAM_SEAT_NO (1..500)');
  if (problems.length || !trust) throw new Error(`This test machine is not set up: ${problems.join(', ')}.`);
  return { serverUrl, trust, ...(roomId ? { roomId } : {}), ...(hasSeat ? { seatNo } : {}) };
}
