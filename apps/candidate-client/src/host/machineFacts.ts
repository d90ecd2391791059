import { statfsSync } from 'node:fs';
import { arch, cpus, freemem, networkInterfaces, release, totalmem, type } from 'node:os';
import type { MachineCheck } from '@exam/protocol';
import type { ScreenInfo } from '../shared/state.js';

/** What Node can tell about this machine; the screen comes from Electron or the browser. */
export type MachineFacts = Omit<MachineCheck, 'screenWidth' | 'screenHeight' | 'displays'>;

/** The first non-internal IPv4 address: the one the proctor recognises on the room's LAN. */
export function lanAddress(interfaces = networkInterfaces()): string {
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** Free space for an unprivileged user on the disk that holds `path` (the journal's). */
export function freeDiskBytes(path: string): number {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return 0;
  }
}

export function gatherMachineFacts(clientVersion: string, diskPath: string): MachineFacts {
  const cpu = cpus();
  return {
    os: `${type()} ${release()} ${arch()}`.slice(0, 100),
    cpuModel: (cpu[0]?.model ?? 'unknown').trim().slice(0, 200),
    cpuCores: Math.max(1, cpu.length),
    cpuMhz: cpu[0]?.speed ?? 0,
    totalMemoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    freeDiskBytes: freeDiskBytes(diskPath),
    ipAddress: lanAddress(),
    clientVersion: clientVersion.slice(0, 32),
  };
}

export function machineCheckOf(facts: MachineFacts, screen: ScreenInfo): MachineCheck {
  return {
    ...facts,
    screenWidth: Math.max(1, Math.round(screen.width)),
    screenHeight: Math.max(1, Math.round(screen.height)),
    displays: screen.displays,
  };
}
