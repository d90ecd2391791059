import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, LoginResult } from '@exam/protocol';
import type { Socket } from 'socket.io-client';
import { approvedMachine } from './machines.js';
import { passingMachineCheck } from './payloads.js';
import { call, connected, rawSocket, type TestSite } from './testSite.js';

/** A test machine speaking the protocol over a real socket, light enough to run 130 of. */
export class SimulatedCandidate {
  private seq = 0;
  private constructor(
    readonly socket: Socket,
    readonly ticketNo: string,
    readonly seatNo: number,
    private readonly n: number,
  ) {}

  /** Brings the machine to `seatNo` (room 1 by default), approved by the room's proctor, and reports a machine check. */
  static async register(
    site: TestSite,
    seat: number,
    opts: { room?: number; screen?: [number, number] } = {},
  ): Promise<SimulatedCandidate> {
    const room = opts.room ?? 1;
    const socket = rawSocket(site.url, 'candidate');
    await connected(socket);
    await approvedMachine(
      site.url,
      socket,
      { roomId: `R${room}`, seatNo: seat, machineId: `sim-machine-${room}-${seat}` },
      '0.1.0',
    );
    const [w, h] = opts.screen ?? [1366, 768];
    await ok(
      call(
        socket,
        'machine:check',
        passingMachineCheck({
          cpuModel: 'Intel Core i5',
          screenWidth: w,
          screenHeight: h,
          ipAddress: `10.0.${room}.${seat}`,
          clientVersion: '0.1.0',
        }),
      ),
    );
    return new SimulatedCandidate(socket, ticketFor(room, seat), seat, seat);
  }

  async login(candidateSeat = this.n, room = 1): Promise<LoginResult> {
    const result = await ok<LoginResult>(
      call<Ack<LoginResult>>(this.socket, 'candidate:login', {
        ticketNo: ticketFor(room, candidateSeat),
        idNumber: idNumberFor(candidateSeat),
      }),
    );
    // A candidate moved to this machine continues their sequence, as the real client does
    // (a number the server holds with other content is refused: SEQ_CONFLICT).
    this.seq = Math.max(this.seq, result.ackSeq);
    return result;
  }

  /** Saves one answer; resolves with the acknowledged sequence once the server committed it. */
  async save(sittingId: string, itemId: string, value: unknown): Promise<number> {
    const seq = ++this.seq;
    const r = await ok<{ ackSeq: number }>(
      call(this.socket, 'answer:save', { sittingId, changes: [{ seq, itemId, value, madeAt: 0 }] }),
    );
    return r.ackSeq;
  }

  handIn(sittingId: string) {
    return ok(call(this.socket, 'exam:handIn', { sittingId }));
  }

  alert(kind: string, detail?: string) {
    return ok(call(this.socket, 'client:alert', detail ? { kind, detail } : { kind }));
  }

  close(): void {
    this.socket.disconnect();
  }
}

async function ok<T>(p: Promise<unknown>): Promise<T> {
  const r = (await p) as Ack<T>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
