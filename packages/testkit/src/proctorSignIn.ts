import type { KeyHolder } from '@exam/centre';
import { type SiteTrust, sign, siteTlsClientOptions, TlsBindingAgent } from '@exam/crypto';
import {
  type Ack,
  buildSignIn,
  NAMESPACES,
  PROCTOR_SIGN_IN_EXPORTER_LABEL,
  PROTOCOL_VERSION,
  type SignedIn,
  type SignInChallenge,
  type SignInRequest,
} from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';

/**
 * Proctor sign-in as a console does it (issue 16), in steps a test can take apart: a TLS
 * connection whose binding the test can read, a challenge, a statement signed over both.
 */
export interface ProctorLink {
  socket: Socket;
  /** Opened the connection's TLS socket: `agent.binding(label)` is this connection's binding. */
  agent: TlsBindingAgent;
}

/** A proctor connection, connected but not signed in: it can do nothing but sign in. */
export async function rawProctorSocket(url: string, trust: SiteTrust): Promise<ProctorLink> {
  const agent = new TlsBindingAgent();
  const socket = io(`${url}${NAMESPACES.proctor}`, {
    ...siteTlsClientOptions(trust),
    // engine.io-client types `agent` as string | boolean, but hands it to `ws` as its agent.
    agent: agent as unknown as string,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { protocolVersion: PROTOCOL_VERSION },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  return { socket, agent };
}

/** This connection's TLS binding, as the console computes it. */
export function linkBinding(link: ProctorLink): string {
  const binding = link.agent.binding(PROCTOR_SIGN_IN_EXPORTER_LABEL);
  if (binding === null) throw new Error('the proctor connection has no open TLS socket');
  return binding;
}

export async function askChallenge(socket: Socket): Promise<string> {
  const r = (await socket.timeout(5000).emitWithAck('proctor:challenge', {})) as Ack<SignInChallenge>;
  if (!r.ok) throw new Error(`proctor:challenge refused: ${r.error.code} ${r.error.message}`);
  return r.value.challenge;
}

/** A sign-in request signed by `holder` over the given challenge and binding. */
export function signInFor(
  holder: KeyHolder,
  p: { roomId: string; challenge: string; tlsBinding: string; siteId: string },
): SignInRequest {
  return buildSignIn({ certPem: holder.certPem, ...p }, (text) => sign(text, holder.privateKeyPem));
}

/** Asks for a challenge and answers it on this connection; the server's reply as it came. */
export async function signInProctor(
  link: ProctorLink,
  holder: KeyHolder,
  roomId: string,
  siteId: string,
): Promise<Ack<SignedIn>> {
  const challenge = await askChallenge(link.socket);
  const request = signInFor(holder, { roomId, challenge, tlsBinding: linkBinding(link), siteId });
  return (await link.socket.timeout(5000).emitWithAck('proctor:signIn', request)) as Ack<SignedIn>;
}

/** A signed-in proctor connection for `roomId`; throws with the server's reason if refused. */
export async function signedInProctorSocket(
  url: string,
  trust: SiteTrust,
  holder: KeyHolder,
  roomId: string,
): Promise<Socket> {
  const link = await rawProctorSocket(url, trust);
  const reply = await signInProctor(link, holder, roomId, trust.siteId).catch((e: unknown) => {
    link.socket.disconnect();
    throw e;
  });
  if (!reply.ok) {
    link.socket.disconnect();
    throw Object.assign(new Error(`proctor:signIn refused: ${reply.error.message}`), { data: reply.error });
  }
  return link.socket;
}
