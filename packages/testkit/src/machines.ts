import type { KeyObject } from 'node:crypto';
import {
  generateMachineKeyPair,
  type MachineKeyPair,
  machineFingerprint,
  machinePublicKeyOf,
  type SiteTrust,
  signMachineProof,
} from '@exam/crypto';
import {
  type Ack,
  type LoginResult,
  type MachineApproved,
  type MachineStatus,
  machineProofText,
} from '@exam/protocol';
import type { Socket } from 'socket.io-client';
import { approverSocket, type ProctorOpener } from './approvers.js';
import { signedInProctorSocket } from './proctorSignIn.js';
import { call, connected, rawSocket, testPki, testTrust } from './testSite.js';

/*
 * Test machines that prove who they are (issue 16), the real way: each test label ("m-1",
 * "sim-machine-1-3") is one Ed25519 key, kept for the whole test process so a label that
 * reconnects is the same machine. A machine is approved through a real proctor socket of its
 * room (approvers.ts).
 */

const keys = new Map<string, MachineKeyPair>();

/** The key of the test machine called `label` (made on first use). */
export function testMachineKey(label: string): MachineKeyPair {
  let key = keys.get(label);
  if (!key) {
    key = generateMachineKeyPair();
    keys.set(label, key);
  }
  return key;
}

/** The machine ID the site knows the labelled test machine by: its key's fingerprint. */
export function testMachineFingerprint(label: string): string {
  return machineFingerprint(testMachineKey(label).publicKey);
}

async function must<T>(p: Promise<Ack<T>>, what: string): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what} refused: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** hello + prove on this socket with the labelled machine's key (or the key given). */
export async function proveMachine(
  socket: Socket,
  machine: string | MachineKeyPair,
  clientVersion = '1',
): Promise<MachineStatus> {
  const key = typeof machine === 'string' ? testMachineKey(machine) : machine;
  const hello = await must(
    call<Ack<{ challenge: string; siteId: string }>>(socket, 'machine:hello', {
      publicKey: key.publicKey,
      clientVersion,
    }),
    'machine:hello',
  );
  const signature = signMachineProof(key.privateKeyPem, machineProofText(hello.siteId, hello.challenge));
  return must(call<Ack<MachineStatus>>(socket, 'machine:prove', { signature }), 'machine:prove');
}

/** Any site without a registered approver (a child process): the room's registered key signs in. */
const pkiOpener =
  (url: string): ProctorOpener =>
  (roomId) => {
    const pki = testPki();
    return signedInProctorSocket(url, testTrust(), pki.proctors.get(roomId) ?? pki.chief, roomId);
  };

/** The room's proctor approves the machine for the seat, on a real proctor socket. */
export async function approveMachine(
  url: string,
  roomId: string,
  fingerprint: string,
  seatNo: number,
): Promise<{ approvedAt: number; retiredFingerprint: string | null }> {
  const proctor = await approverSocket(url, roomId, pkiOpener(url));
  return must(call(proctor, 'machine:approve', { fingerprint, seatNo }), 'machine:approve');
}

export interface MachineSeat {
  roomId: string;
  seatNo: number;
  /** The test machine's label (its key), see testMachineKey. */
  machineId: string;
}

/**
 * Brings the candidate socket to an approved machine at `seat`, as at the machine check:
 * proves the key; unless already bound to that seat, asks to join it and has the room's
 * proctor approve, then waits for the approval to reach the machine.
 */
export async function approvedMachine(
  url: string,
  socket: Socket,
  seat: MachineSeat,
  clientVersion = '1',
): Promise<MachineApproved> {
  const status = await proveMachine(socket, seat.machineId, clientVersion);
  if (status.status === 'approved' && status.roomId === seat.roomId && status.seatNo === seat.seatNo) {
    return status;
  }
  await must(
    call<Ack<unknown>>(socket, 'machine:join', { roomId: seat.roomId, seatNo: seat.seatNo }),
    'machine:join',
  );
  const pushed = new Promise<MachineApproved>((resolve) => socket.once('machine:approved', resolve));
  await approveMachine(url, seat.roomId, status.fingerprint, seat.seatNo);
  return pushed;
}

export interface TestSeat {
  roomId: string;
  seatNo: number;
  /** The test machine's label (its key), see testMachineKey. */
  machineId: string;
  ticketNo: string;
  idNumber: string;
}

/**
 * A test machine brought up as the candidate client does it: connected, its key proved and
 * approved for its seat, the candidate logged in. A refused step throws with the server's
 * message (and the socket is closed); the caller disconnects the socket it gets back.
 */
export async function seatedCandidate(
  url: string,
  seat: TestSeat,
): Promise<{ socket: Socket; login: LoginResult }> {
  const socket = rawSocket(url, 'candidate');
  try {
    await connected(socket);
    await approvedMachine(url, socket, seat);
    const login = await call<Ack<LoginResult>>(socket, 'candidate:login', {
      ticketNo: seat.ticketNo,
      idNumber: seat.idNumber,
    });
    if (!login.ok) throw new Error(`candidate:login refused: ${login.error.message}`);
    return { socket, login: login.value };
  } catch (e) {
    socket.disconnect();
    throw e;
  }
}

/**
 * A scripted proctor: approves every machine that asks to join the room of `proctor` (a
 * signed-in proctor socket), for the seat it asked for. For demos, load runs and end-to-end
 * tests of the real clients. Returns a function that stops it.
 */
export function autoApproveJoinRequests(proctor: Socket): () => void {
  const seen = new Set<string>();
  const onRequests = ({ requests }: { requests: { fingerprint: string; seatNo: number }[] }) => {
    for (const r of requests) {
      const k = `${r.fingerprint}:${r.seatNo}`;
      if (seen.has(k)) continue;
      seen.add(k);
      void call<Ack<unknown>>(proctor, 'machine:approve', { fingerprint: r.fingerprint, seatNo: r.seatNo })
        .then((a) => {
          if (!a.ok) seen.delete(k);
        })
        .catch(() => seen.delete(k));
    }
  };
  proctor.on('room:joinRequests', onRequests);
  // Requests that were already waiting when the script started.
  void call<Ack<{ joinRequests?: { fingerprint: string; seatNo: number }[] }>>(
    proctor,
    'room:subscribe',
    {},
  ).then((a) => {
    if (a.ok) onRequests({ requests: a.value.joinRequests ?? [] });
  });
  return () => proctor.off('room:joinRequests', onRequests);
}

/**
 * Approves a machine given its own key (as a real client keeps it on disk) for a seat, before
 * that client starts: on a raw socket of its own, hello/prove/join with that key, then the
 * room's proctor approves it. For the candidate client's end-to-end tests and the demo.
 */
export async function preApproveMachine(
  site: string | { url: string },
  machine: { privateKey: KeyObject | string; roomId: string; seatNo: number },
  /** The site's trust, for a site that is not a TestSite (the demo's own PKI). */
  trust: SiteTrust = typeof site === 'string'
    ? testTrust()
    : ((site as { trust?: SiteTrust }).trust ?? testTrust()),
): Promise<{ fingerprint: string }> {
  const url = typeof site === 'string' ? site : site.url;
  const privateKeyPem =
    typeof machine.privateKey === 'string'
      ? machine.privateKey
      : machine.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = { privateKeyPem, publicKey: machinePublicKeyOf(privateKeyPem) };
  const socket = rawSocket(url, 'candidate', {}, trust);
  try {
    await connected(socket);
    const status = await proveMachine(socket, key);
    if (
      status.status !== 'approved' ||
      status.roomId !== machine.roomId ||
      status.seatNo !== machine.seatNo
    ) {
      await must(
        call<Ack<unknown>>(socket, 'machine:join', { roomId: machine.roomId, seatNo: machine.seatNo }),
        'machine:join',
      );
      await approveMachine(url, machine.roomId, status.fingerprint, machine.seatNo);
    }
    return { fingerprint: status.fingerprint };
  } finally {
    socket.disconnect();
  }
}
