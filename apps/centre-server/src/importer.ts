import type { SignedReceipt } from '@exam/protocol';
import { openReceiverContext, type ReceiverCore } from './openContext.js';
import type { PackageRecord } from './store/receiverStore.js';
import { acceptPackageBytes } from './uploads/acceptUpload.js';

/**
 * The receiver's store without HTTP, for the city's media import (`scripts/centre/import-media.ts`):
 * `accept` verifies, keeps and receipts a whole package exactly as a completed upload is
 * (the same function), or throws the same typed refusal (`UploadRefusal`).
 */
export interface PackageImporter {
  readonly store: 'sqlite' | 'postgres';
  accept(p: {
    siteId: string;
    bytes: Buffer;
    sha256?: string;
  }): Promise<{ receipt: SignedReceipt; record: PackageRecord; alreadyReceived: boolean }>;
  close(): Promise<void>;
}

export async function openPackageImporter(opts: ReceiverCore): Promise<PackageImporter> {
  const ctx = await openReceiverContext(opts);
  return {
    store: ctx.store.kind,
    accept: (p) => acceptPackageBytes(ctx, p),
    close: () => ctx.store.close(),
  };
}
