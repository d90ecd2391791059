/**
 * Which candidates have a live socket, for the proctor's "online" tile. A candidate may
 * briefly have two sockets (reconnect before the old one times out), hence a count.
 */
export class Presence {
  private readonly counts = new Map<string, number>();

  constructor(private readonly onChange: (roomId: string, ticketNo: string, sittingId: string) => void) {}

  enter(roomId: string, ticketNo: string, sittingId: string): void {
    const k = `${ticketNo}:${sittingId}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    this.onChange(roomId, ticketNo, sittingId);
  }

  leave(roomId: string, ticketNo: string, sittingId: string): void {
    const k = `${ticketNo}:${sittingId}`;
    const n = (this.counts.get(k) ?? 1) - 1;
    if (n <= 0) this.counts.delete(k);
    else this.counts.set(k, n);
    this.onChange(roomId, ticketNo, sittingId);
  }

  isOnline(ticketNo: string, sittingId: string): boolean {
    return this.counts.has(`${ticketNo}:${sittingId}`);
  }
}

/** Which test machines have a live socket, for the seat map. */
export class MachinePresence {
  private readonly counts = new Map<string, number>();

  constructor(private readonly onChange: (roomId: string) => void) {}

  enter(roomId: string, machineId: string): void {
    this.counts.set(machineId, (this.counts.get(machineId) ?? 0) + 1);
    this.onChange(roomId);
  }

  leave(roomId: string, machineId: string): void {
    const n = (this.counts.get(machineId) ?? 1) - 1;
    if (n <= 0) this.counts.delete(machineId);
    else this.counts.set(machineId, n);
    this.onChange(roomId);
  }

  isOnline(machineId: string): boolean {
    return this.counts.has(machineId);
  }
}
