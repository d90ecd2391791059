import type { ShellBridge } from '@exam/shell/bridge';
import {
  type CommandName,
  HOST_PUSH,
  type HostPush,
  type HostResult,
  type ProctorApi,
} from '../../shared/api.js';

/**
 * `ProctorApi` over the shell's bridge, built once for both modes (Electron's preload
 * object or the web host's socket). The host answers every command with a `HostResult`;
 * a bridge that cannot carry the call (the host gone) answers with its own error, as data.
 */
export function proctorApi(shell: ShellBridge): ProctorApi {
  return {
    mode: shell.mode,
    invoke: (name: CommandName, args: unknown) =>
      shell
        .invoke(name, args)
        .then((reply): HostResult<unknown> => (reply.ok ? (reply.value as HostResult<unknown>) : reply)),
    subscribe: (listener: (push: HostPush) => void) =>
      shell.subscribe((event, payload) => {
        if (event === HOST_PUSH) listener(payload as HostPush);
      }),
  } as ProctorApi;
}
