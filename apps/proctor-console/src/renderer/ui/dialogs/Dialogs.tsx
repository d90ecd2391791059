import type { CandidateTile } from '@exam/protocol';
import type { Flash } from '../SittingBar.js';
import { EndDialog } from './EndDialog.js';
import { ExtendDialog } from './ExtendDialog.js';
import { NoticeDialog } from './NoticeDialog.js';
import { ResetDialog } from './ResetDialog.js';
import { StartDialog } from './StartDialog.js';
import { ViolationDialog } from './ViolationDialog.js';

export type DialogState =
  | { kind: 'start'; sittingId: string; scheduledStart: number }
  | { kind: 'extend'; sittingId: string; tickets: CandidateTile[] }
  | { kind: 'reset'; sittingId: string; ticket: CandidateTile }
  | { kind: 'violation'; sittingId: string; ticket: CandidateTile }
  | { kind: 'notice'; sittingId: string; ticket: CandidateTile | null }
  | { kind: 'end'; sittingId: string };

export interface DialogProps<K extends DialogState['kind']> {
  state: Extract<DialogState, { kind: K }>;
  now: number;
  onClose(): void;
  onFlash(f: Flash): void;
}

export function Dialogs(props: {
  state: DialogState;
  now: number;
  onClose(): void;
  onFlash(f: Flash): void;
}) {
  const { state, ...rest } = props;
  switch (state.kind) {
    case 'start':
      return <StartDialog state={state} {...rest} />;
    case 'extend':
      return <ExtendDialog state={state} {...rest} />;
    case 'reset':
      return <ResetDialog state={state} {...rest} />;
    case 'violation':
      return <ViolationDialog state={state} {...rest} />;
    case 'notice':
      return <NoticeDialog state={state} {...rest} />;
    case 'end':
      return <EndDialog state={state} {...rest} />;
  }
}
