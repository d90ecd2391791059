import { openFromString, unwrapKey } from '@exam/crypto';
import { ERROR_CODES, type Item, type Paper, ProtocolError, paperSchema } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { getSitting, getWrappedSittingKey } from './sittingsTable.js';

/**
 * Papers rest sealed (ARCHITECTURE §3). The server opens a sitting's paper only once that
 * sitting has started somewhere, to check each answer against its item, and keeps the
 * opened paper and key in memory only. Never log key material.
 */
export class PaperCatalogue {
  private readonly opened = new Map<string, { paper: Paper; items: Map<string, Item>; key: Buffer }>();

  constructor(
    private readonly db: Db,
    private readonly sitePrivateKeyPem: string,
  ) {}

  hasKey(sittingId: string): boolean {
    return getWrappedSittingKey(this.db, sittingId) !== null;
  }

  /** The sitting key, for delivery to candidates at the start. */
  key(sittingId: string): Buffer {
    return this.open(sittingId).key;
  }

  items(sittingId: string): Map<string, Item> {
    return this.open(sittingId).items;
  }

  private open(sittingId: string) {
    const cached = this.opened.get(sittingId);
    if (cached) return cached;
    const wrapped = getWrappedSittingKey(this.db, sittingId);
    const sitting = getSitting(this.db, sittingId);
    if (!wrapped || !sitting) {
      throw new ProtocolError(
        ERROR_CODES.NOT_READY,
        `No authorization has been imported for sitting ${sittingId}.`,
      );
    }
    const key = unwrapKey(wrapped, this.sitePrivateKeyPem);
    const paper = paperSchema.parse(
      JSON.parse(openFromString(key, sitting.sealed_paper, Buffer.from(sittingId)).toString('utf8')),
    );
    const entry = { paper, items: new Map(paper.items.map((i) => [i.id, i])), key };
    this.opened.set(sittingId, entry);
    return entry;
  }
}
