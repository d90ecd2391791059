import { displayFingerprint, type JoinRequest, type MachineTile } from '@exam/protocol';
import type { JoinRequestView } from '../shared/api.js';

/**
 * The room's join requests as the console shows them (issue 16), oldest first: each with its
 * fingerprint as people compare it and the machine approved for that seat now, which
 * approving the request would retire.
 */
export function joinRequestViews(
  requests: readonly JoinRequest[],
  machines: readonly MachineTile[],
): JoinRequestView[] {
  return [...requests]
    .sort((a, b) => a.requestedAt - b.requestedAt)
    .map((r) => {
      const current = machines.find((m) => m.seatNo === r.seatNo && m.machineId !== r.fingerprint);
      return {
        fingerprint: r.fingerprint,
        fingerprintText: displayFingerprint(r.fingerprint),
        seatNo: r.seatNo,
        remoteAddress: r.remoteAddress,
        clientVersion: r.clientVersion,
        requestedAt: r.requestedAt,
        replaces: current ? displayFingerprint(current.machineId) : null,
      };
    });
}
