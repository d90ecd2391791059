import type { BridgeService } from '@exam/shell/bridge';
import { COMMAND_NAMES, HOST_PUSH } from '../shared/api.js';
import type { ProctorHost } from './proctorHost.js';

/**
 * The host behind the shell's bridge, for both carriers (the web host's socket and
 * Electron's IPC): a command the console does not have is refused here, the host parses the
 * arguments of the others; its pushes go out as one `host` event.
 */
export function proctorBridgeService(host: ProctorHost): BridgeService {
  return {
    call: async (name, args) =>
      (COMMAND_NAMES as readonly string[]).includes(name)
        ? host.invoke(name, args)
        : { ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command.' } },
    subscribe: (push) => host.subscribe((p) => push(HOST_PUSH, p)),
  };
}
