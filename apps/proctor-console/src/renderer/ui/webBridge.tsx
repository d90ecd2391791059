import { connectBridge } from '@exam/shell/bridgeClient';
import type { CommandName, HostPush, HostResult, ProctorApi } from '../../shared/api.js';

/**
 * Web mode: the same bridge as Electron's preload, over the shell's loopback websocket
 * client. The token comes from the page's fragment, which the host put there.
 */
export function webBridge(location: Location): ProctorApi {
  const bridge = connectBridge(location);
  return {
    mode: 'web',
    invoke: (name: CommandName, args: unknown) =>
      bridge.call(name, args).then(
        (result) => result as HostResult<unknown>,
        (e: { code?: string; message?: string }): HostResult<unknown> => ({
          ok: false,
          error:
            e.code === 'OFFLINE' || !e.code
              ? { code: 'OFFLINE', message: 'The console host closed.' }
              : { code: e.code, message: e.message ?? '' },
        }),
      ),
    subscribe: (listener: (push: HostPush) => void) =>
      bridge.onPush((_event, push) => listener(push as HostPush)),
  } as ProctorApi;
}
