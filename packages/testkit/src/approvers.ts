import type { Socket } from 'socket.io-client';

/*
 * Who approves test machines at a site (issue 16): a signed-in proctor socket per room, opened
 * once per site and room and reused, so approving a 130-seat room costs one sign-in. A module
 * of its own: the test sites register their opener here, the machine helpers use it.
 */

/** Opens a signed-in proctor socket of a room of the site. */
export type ProctorOpener = (roomId: string) => Promise<Socket>;

const openers = new Map<string, ProctorOpener>();
const sockets = new Map<string, Promise<Socket>>();

/** How machines of the site at `url` get approved (startTestSite and friends register theirs). */
export function registerMachineApprover(url: string, open: ProctorOpener): void {
  openers.set(url, open);
}

/** Closes the proctor sockets kept for approvals at `url` (when its site stops). */
export function closeMachineApprovers(url: string): void {
  for (const [k, s] of sockets) {
    if (!k.startsWith(`${url}|`)) continue;
    sockets.delete(k);
    void s.then((socket) => socket.disconnect()).catch(() => {});
  }
}

/** The kept proctor socket of the room, opened (again) when there is none or it dropped. */
export async function approverSocket(url: string, roomId: string, fallback: ProctorOpener): Promise<Socket> {
  const k = `${url}|${roomId}`;
  const cached = sockets.get(k);
  if (cached) {
    const socket = await cached.catch(() => null);
    if (socket?.connected) return socket;
    socket?.disconnect();
  }
  const opening = (openers.get(url) ?? fallback)(roomId);
  sockets.set(k, opening);
  opening.catch(() => sockets.delete(k));
  return opening;
}
