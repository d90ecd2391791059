import { tlsBinding } from '@exam/crypto';
import { PROCTOR_SIGN_IN } from '@exam/domain';
import {
  ERROR_CODES,
  fail,
  PROCTOR_EVENTS,
  PROCTOR_SIGN_IN_EXPORTER_LABEL,
  type ProctorEvent,
  ProtocolError,
  signInSchema,
} from '@exam/protocol';
import type { Logger } from 'pino';
import type { SiteContext } from '../site/context.js';
import { handleProctor } from '../sockets/proctorConnection.js';
import type { ProctorSocket } from '../sockets/proctorRoom.js';
import { type ProctorIdentity, type ProctorSignIn, SignInRefused } from './proctorAuth.js';

/** What a proctor connection may send before it has signed in. */
const BEFORE_SIGN_IN: ReadonlySet<ProctorEvent> = new Set(['proctor:challenge', 'proctor:signIn']);
const KNOWN: ReadonlySet<string> = new Set(PROCTOR_EVENTS);

/**
 * Until the connection has signed in, every other proctor event is refused with UNAUTHORIZED
 * before any handler runs, so no feature can forget to check. (Unknown events are left to the
 * namespace's FORBIDDEN refusal.)
 */
export function gateUntilSignedIn(socket: ProctorSocket, log: Logger): void {
  socket.use(([event, ...args], next) => {
    if (!socket.data.identity && event === 'proctor:signIn' && !signInSchema.safeParse(args[0]).success) {
      // The handler answers INVALID_MESSAGE; it is still a refused sign-in, and is logged as one.
      log.warn({ reason: 'malformed', address: socket.handshake.address }, 'proctor sign-in refused');
      setImmediate(() => socket.disconnect(true));
    }
    if (socket.data.identity || BEFORE_SIGN_IN.has(event as ProctorEvent) || !KNOWN.has(event)) {
      next();
      return;
    }
    const ack = args[args.length - 1];
    if (typeof ack === 'function') {
      ack(fail(ERROR_CODES.UNAUTHORIZED, 'Sign in with the proctor key (监考锁) first.'));
    }
  });
}

/**
 * This connection's TLS exporter value, as the server's end of it computes it. socket.io's
 * `request` is the HTTP request that opened the connection: for a websocket-only client, the
 * upgrade on the very TLS socket the websocket runs on. A connection that began with polling
 * has no single TLS socket, so it cannot sign in.
 */
function connectionBinding(socket: ProctorSocket): string | null {
  if (socket.conn.transport.name !== 'websocket') return null;
  return tlsBinding(socket.request.socket, PROCTOR_SIGN_IN_EXPORTER_LABEL);
}

/**
 * proctor:challenge and proctor:signIn. A connection gets a few challenges and one sign-in
 * attempt: a refused sign-in is answered (UNAUTHORIZED with the reason), logged with its
 * reason, and the connection closed; one that does not sign in within a challenge's lifetime
 * is closed too. `onSignedIn` wires the room's handlers and pushes.
 */
export function signInHandlers(
  ctx: SiteContext,
  socket: ProctorSocket,
  log: Logger,
  auth: ProctorSignIn,
  onSignedIn: (identity: ProctorIdentity) => void,
): void {
  const address = socket.handshake.address;
  const close = () => setImmediate(() => socket.disconnect(true));
  let challenges = 0;
  const idle = setTimeout(() => {
    if (socket.data.identity) return;
    log.warn({ reason: 'no-sign-in', address }, 'proctor connection closed: it did not sign in in time');
    socket.disconnect(true);
  }, PROCTOR_SIGN_IN.challengeTtlMs);
  idle.unref();
  socket.on('disconnect', () => clearTimeout(idle));

  const refuseIfSignedIn = () => {
    if (socket.data.identity) {
      throw new ProtocolError(ERROR_CODES.NOT_ALLOWED_NOW, 'This connection has already signed in.');
    }
  };

  handleProctor(socket, 'proctor:challenge', log, () => {
    refuseIfSignedIn();
    challenges += 1;
    if (challenges > PROCTOR_SIGN_IN.challengesPerConnection) {
      log.warn({ reason: 'too-many-challenges', address }, 'proctor sign-in refused');
      close();
      throw new ProtocolError(ERROR_CODES.RATE_LIMITED, 'Too many sign-in challenges on one connection.');
    }
    return { challenge: auth.issueChallenge(socket.id) };
  });

  handleProctor(socket, 'proctor:signIn', log, (p) => {
    refuseIfSignedIn();
    try {
      const binding = connectionBinding(socket);
      if (binding === null) {
        throw new SignInRefused('transport', 'A proctor console signs in over a websocket connection only.');
      }
      const identity = auth.signIn(p, { id: socket.id, tlsBinding: binding });
      socket.data.identity = identity;
      socket.data.roomId = identity.roomId;
      clearTimeout(idle);
      onSignedIn(identity);
      return {
        role: identity.role,
        roomId: identity.roomId,
        holder: identity.holder,
        serverNow: ctx.clock.now(),
      };
    } catch (e) {
      if (e instanceof SignInRefused) {
        log.warn(
          { reason: e.reason, roomId: p.roomId, address, detail: e.message },
          'proctor sign-in refused',
        );
      } else {
        log.error({ err: e, roomId: p.roomId, address }, 'proctor sign-in failed');
      }
      close();
      throw e;
    }
  });
}
