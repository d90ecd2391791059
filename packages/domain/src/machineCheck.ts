import { RULES } from './rules.js';

export interface MachineFacts {
  screenWidth: number;
  screenHeight: number;
  freeMemoryBytes: number;
}

export type MachineShortfall = 'SCREEN_TOO_SMALL' | 'LOW_MEMORY';

/** The notice's minimums; a shortfall is flagged to the proctor, who decides. */
export function machineShortfalls(m: MachineFacts): MachineShortfall[] {
  const out: MachineShortfall[] = [];
  if (m.screenWidth < RULES.machine.minScreenWidth || m.screenHeight < RULES.machine.minScreenHeight) {
    out.push('SCREEN_TOO_SMALL');
  }
  if (m.freeMemoryBytes < RULES.machine.minFreeMemoryBytes) out.push('LOW_MEMORY');
  return out;
}
