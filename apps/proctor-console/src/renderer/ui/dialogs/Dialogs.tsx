import type { DialogState, Flash } from '../uiState.js';
import { EndDialog } from './EndDialog.js';
import { EntryDialog } from './EntryDialog.js';
import { ExtendDialog } from './ExtendDialog.js';
import { MachineDialog } from './MachineDialog.js';
import { NoticeDialog } from './NoticeDialog.js';
import { ResetDialog } from './ResetDialog.js';
import { ResolveTransferDialog } from './ResolveTransferDialog.js';
import { StandaloneCancelDialog } from './StandaloneCancelDialog.js';
import { StandaloneCollectDialog } from './StandaloneCollectDialog.js';
import { StandaloneDialog } from './StandaloneDialog.js';
import { StandaloneExportDialog } from './StandaloneExportDialog.js';
import { StartDialog } from './StartDialog.js';
import { TransferOutDialog } from './TransferOutDialog.js';
import { TransfersDialog } from './TransfersDialog.js';
import { ViolationDialog } from './ViolationDialog.js';

export function Dialogs(props: {
  state: DialogState;
  now: number;
  onClose(): void;
  onFlash(f: Flash): void;
  /** Opens another dialog in this one's place (the standalone list opens collect and cancel). */
  onDialog(d: DialogState): void;
}) {
  const { state, onDialog, ...rest } = props;
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
      return <EndDialog state={state} onDialog={onDialog} {...rest} />;
    case 'machine':
      return <MachineDialog state={state} {...rest} />;
    case 'standaloneExport':
      return <StandaloneExportDialog state={state} {...rest} />;
    case 'standaloneCancel':
      return <StandaloneCancelDialog state={state} {...rest} />;
    case 'standaloneCollect':
      return <StandaloneCollectDialog state={state} {...rest} />;
    case 'standaloneList':
      return <StandaloneDialog state={state} onDialog={onDialog} {...rest} />;
    case 'entry':
      return <EntryDialog state={state} onDialog={onDialog} {...rest} />;
    case 'transferOut':
      return <TransferOutDialog state={state} {...rest} />;
    case 'transfers':
      return <TransfersDialog state={state} onDialog={onDialog} {...rest} />;
    case 'resolveTransfer':
      return <ResolveTransferDialog state={state} onDialog={onDialog} {...rest} />;
  }
}
