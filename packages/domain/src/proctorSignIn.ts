/**
 * Proctor sign-in (issue 16): the console answers a fresh challenge from the site server
 * inside the TLS connection, so no clock is taken from the server and nothing it signs is
 * worth anything on another connection or later.
 */
export const PROCTOR_SIGN_IN = Object.freeze({
  /**
   * A challenge must be answered this soon after the server issued it (server clock). A
   * console answers within a round trip and a signature; a minute leaves room for a busy
   * site without keeping a harvested challenge useful.
   */
  challengeTtlMs: 60_000,
  /** Challenges one connection may ask for before it is refused: a console needs one. */
  challengesPerConnection: 3,
  /**
   * Used and expired challenges are kept this long in site.db (for the investigation of a
   * refused sign-in), then deleted; replay protection does not depend on them, since a
   * challenge is only ever accepted on the connection it was issued to.
   */
  challengeRetentionMs: 24 * 60 * 60_000,
  /**
   * How often a signed-in console re-reads the server's clock (besides every connection), so
   * its displayed time follows a correction of the server's clock.
   */
  consoleTimeSyncEveryMs: 60_000,
} as const);
