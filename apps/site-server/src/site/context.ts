import { EventEmitter } from 'node:events';
import type { NoticeAcknowledged, RoomAlert } from '@exam/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import type { PaperCatalogue } from '../sittings/papers.js';

/** The site's own credential (its site key) and the centre root it trusts. */
export interface SiteIdentity {
  certPem: string;
  privateKeyPem: string;
  trustedRootPem: string;
}

export interface SiteEventMap {
  'sitting-started': [{ roomId: string; sittingId: string }];
  'sitting-state': [{ roomId: string; sittingId: string }];
  'handed-in': [{ ticketNo: string; sittingId: string; handedInAt: number; kind: 'manual' | 'auto' }];
  'candidate-changed': [{ roomId: string; ticketNo: string; sittingId: string }];
  'room-changed': [{ roomId: string }];
  'machines-changed': [{ roomId: string }];
  'candidate-reset': [{ ticketNo: string; sittingId: string; reason: string }];
  'candidate-timing': [{ roomId: string; ticketNo: string; sittingId: string }];
  notice: [
    {
      roomId: string;
      sittingId: string;
      ticketNo: string | null;
      noticeId: number;
      text: string;
      at: number;
    },
  ];
  'notice-acknowledged': [{ roomId: string } & NoticeAcknowledged];
  'client-alert': [{ roomId: string; alert: RoomAlert }];
  /** A room's waiting machine join requests changed (issue 16). */
  'join-requests-changed': [{ roomId: string }];
  /** A proctor approved this machine for a seat: its live sockets become that seat. */
  'machine-approved': [{ fingerprint: string; roomId: string; seatNo: number }];
  /** A machine's request was refused or its binding retired: it is back to asking to join. */
  'machine-dropped': [{ fingerprint: string }];
  /** An answer package was written (issue 18: a final one is queued for upload). */
  'answer-package-written': [
    { sittingId: string; path: string; sha256: string; finality: 'final' | 'interim' },
  ];
  /** An upload moved: a chunk stored by the receiver, a failure, the receipt verified. */
  'upload-progress': [{ sittingId: string; sha256: string; state: string; offset: number; size: number }];
}

/** What every service function needs; built once in createSiteServer. */
export interface SiteContext {
  db: Db;
  clock: Clock;
  identity: SiteIdentity;
  papers: PaperCatalogue;
  events: EventEmitter<SiteEventMap>;
  log: Logger;
  exportDir: string;
}

export function createEvents(): EventEmitter<SiteEventMap> {
  const e = new EventEmitter<SiteEventMap>();
  e.setMaxListeners(50);
  return e;
}
