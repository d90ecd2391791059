import type { BridgeService } from '@exam/shell/bridge';
import { BRIDGE_METHODS, type BridgeMethod, type BridgePushes } from '../shared/bridge.js';
import { BridgeCallError, dispatchCall } from './callSchemas.js';
import type { CandidateHost } from './candidateHost.js';

/**
 * The host behind the shell's bridge, for both carriers (the web host's socket and
 * Electron's IPC): every call parsed by `callSchemas.ts` before the host sees it, the
 * host's state and reminder pushes passed on. `allowed` narrows the calls a carrier
 * offers (Electron measures the screen itself, so its page may not report one).
 */
export function candidateBridgeService(
  host: CandidateHost,
  allowed: readonly BridgeMethod[] = BRIDGE_METHODS,
): BridgeService {
  return {
    call: (method, args) => dispatchCall(host, method, args, allowed),
    subscribe: (push) =>
      host.subscribe(<E extends keyof BridgePushes>(event: E, payload: BridgePushes[E]) =>
        push(event, payload),
      ),
    errorCode: (e) => (e instanceof BridgeCallError ? e.code : 'INTERNAL'),
  };
}
