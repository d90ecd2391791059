import type { CandidateTile, TransferView } from '@exam/protocol';
import type { JoinRequestView } from '../../shared/api.js';

/**
 * The dashboard's shared UI state types: the message line (flash) and the open dialog. They
 * live apart from the components that show them so those components import each other one
 * way only (the sitting bar opens dialogs; dialogs report back with a flash).
 */

/** A button offered with a message: open the report just saved, download the backup... */
export interface FlashAction {
  label: string;
  title?: string;
  testId: string;
  run(): void | Promise<void>;
}
export type Flash = { text: string; error: boolean; actions?: FlashAction[] } | null;

export type DialogState =
  | { kind: 'start'; sittingId: string; scheduledStart: number }
  | { kind: 'extend'; sittingId: string; tickets: CandidateTile[] }
  | { kind: 'reset'; sittingId: string; ticket: CandidateTile }
  | { kind: 'violation'; sittingId: string; ticket: CandidateTile }
  | { kind: 'notice'; sittingId: string; ticket: CandidateTile | null }
  | { kind: 'end'; sittingId: string }
  | { kind: 'machine'; action: 'approve' | 'refuse'; request: JoinRequestView }
  | { kind: 'standaloneExport'; sittingId: string; ticket: CandidateTile }
  | { kind: 'standaloneCancel'; sittingId: string; ticketNo: string; who: string; packageId: string }
  | { kind: 'standaloneCollect' }
  | { kind: 'standaloneList'; sittingId: string }
  // Overbooking (issue 19).
  | { kind: 'entry'; sittingId: string }
  | {
      kind: 'transferOut';
      sittingId: string;
      ticket: Pick<CandidateTile, 'ticketNo' | 'ticketTail' | 'name'>;
    }
  | { kind: 'transfers' }
  /** `back`: the dialog to go back to once resolved (the transfers list, the end checklist). */
  | { kind: 'resolveTransfer'; transfer: TransferView; back?: DialogState };

export interface DialogProps<K extends DialogState['kind']> {
  state: Extract<DialogState, { kind: K }>;
  now: number;
  onClose(): void;
  onFlash(f: Flash): void;
}
