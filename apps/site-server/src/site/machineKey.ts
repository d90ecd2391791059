/**
 * The one identity a machine is counted by, for the login lock-out and the rate limits.
 * Today it is the machine ID the machine declares when it registers (rotatable by an
 * attacker, which is why the per-ticket lock-out and the per-address limits exist too);
 * once machines prove an approved key (issue 16), this returns the key's fingerprint and
 * every lock-out and limit follows with this one edit.
 */
export function machineKey(machine: { machineId: string }): string {
  return machine.machineId;
}
