import type { ClientAlert } from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import type { EventLimits } from '../site/eventLimits.js';
import { machineKey } from '../site/machineKey.js';
import { KeyedBuckets, type Millis, monotonicMs } from '../site/tokenBucket.js';
import { insertClientAlert } from './clientAlertsTable.js';

export const ALERT_FLOOD_KIND = 'alert-flood';

/**
 * Alerts per machine (EVENT_LIMITS.alertsPerMachine). Within the limit each alert is
 * recorded and pushed as before; past it the first refused alert records one "alert flood"
 * (an audit event and one alert to the console) and the rest are dropped until the
 * machine's allowance has filled up again, when a new flood would be recorded anew. So a
 * flood costs the site one write, not one fsync'd write and one push per message.
 */
export class AlertFloodGuard {
  private readonly buckets: KeyedBuckets;
  /** Machines in a flood now: the flood was recorded, the alerts are dropped. */
  private readonly flooding = new Set<string>();

  constructor(
    private readonly ctx: SiteContext,
    limits: EventLimits,
    now: Millis = monotonicMs,
  ) {
    this.buckets = new KeyedBuckets(limits.alertsPerMachine, now);
  }

  /** Whether this alert may be recorded; if not, the flood is recorded once. */
  admit(
    machine: { machineId: string; roomId: string; seatNo: number },
    ticketNo: string | null,
    alert: ClientAlert,
  ): boolean {
    const key = machineKey(machine);
    const bucket = this.buckets.bucket(key);
    if (this.flooding.has(key)) {
      if (!bucket.isFull()) return false;
      this.flooding.delete(key);
    }
    if (bucket.take()) return true;
    this.floodFrom(machine, ticketNo, alert.kind);
    return false;
  }

  /**
   * Records a machine's flood once (its alerts past the limit here, or any messages past the
   * connection's limit, see EventLimiter); again only after its alert allowance has refilled.
   */
  floodFrom(
    machine: { machineId: string; roomId: string; seatNo: number },
    ticketNo: string | null,
    what: string,
  ): void {
    const key = machineKey(machine);
    if (this.flooding.has(key)) return;
    this.flooding.add(key);
    this.buckets.bucket(key).drain();
    this.recordFlood(machine, ticketNo, what);
  }

  private recordFlood(
    machine: { machineId: string; roomId: string; seatNo: number },
    ticketNo: string | null,
    what: string,
  ): void {
    const at = this.ctx.clock.now();
    const row = {
      at,
      room_id: machine.roomId,
      machine_id: machine.machineId,
      seat_no: machine.seatNo,
      ticket_no: ticketNo,
      kind: ALERT_FLOOD_KIND,
      // What overflowed (an alert kind or an event); the flood's texts are not worth keeping.
      detail: what,
    };
    let id = 0;
    writeTransaction(this.ctx.db, () => {
      id = insertClientAlert(this.ctx.db, row);
      appendAudit(this.ctx.db, at, {
        actorRole: 'candidate',
        actorId: ticketNo ?? machine.machineId,
        action: 'client.alertFlood',
        subject: `${machine.roomId}/${machine.seatNo}`,
        data: { machineId: machine.machineId, what },
      });
    });
    this.ctx.events.emit('client-alert', {
      roomId: machine.roomId,
      alert: {
        id,
        at,
        machineId: machine.machineId,
        seatNo: machine.seatNo,
        ticketNo,
        kind: ALERT_FLOOD_KIND,
        detail: what,
      },
    });
  }
}
