import type { MachineCheck } from '@exam/protocol';

/** A machine check that meets every minimum of the notice; tests vary one field from it. */
export function passingMachineCheck(over: Partial<MachineCheck> = {}): MachineCheck {
  return {
    os: 'Windows 10',
    cpuModel: 'x',
    cpuCores: 4,
    cpuMhz: 2000,
    totalMemoryBytes: 8e9,
    freeMemoryBytes: 4e9,
    freeDiskBytes: 1e10,
    screenWidth: 1920,
    screenHeight: 1080,
    displays: 1,
    ipAddress: '10.0.0.2',
    clientVersion: '1',
    ...over,
  };
}
