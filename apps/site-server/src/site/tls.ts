import type { SecureContextOptions, TlsOptions } from 'node:tls';

/** The site's TLS credential as the centre issued it (`site-tls.p12`). Never log the key. */
export interface SiteTlsCredential {
  certPem: string;
  privateKeyPem: string;
}

/**
 * The one way to run the site server without TLS: the benchmark measures what TLS costs
 * against the same code in plain HTTP. A symbol, so no configuration file or command line
 * can name it; anything that serves candidates uses a credential.
 */
export const INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY: unique symbol = Symbol(
  'insecure plain HTTP, benchmark only',
);

export type SiteTls = SiteTlsCredential | typeof INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY;

let plainForBenchmark = false;

/**
 * For the benchmark's plain baseline only (scripts/load/plainSiteMain.ts): called in-process
 * before main.ts is imported, so the same command line starts the same server without TLS.
 * No option, environment variable or file can ask for it.
 */
export function serveInsecurePlainHttpForBenchmarkOnly(): void {
  plainForBenchmark = true;
}

export function insecurePlainHttpRequested(): boolean {
  return plainForBenchmark;
}

/**
 * TLS 1.3 only: every client is ours (Node's TLS in the candidate client, the console and
 * the tools), so there is no old client to keep, and 1.3 has forward secrecy and no
 * negotiable weak suites.
 */
export function tlsServerOptions(credential: SiteTlsCredential): TlsOptions & SecureContextOptions {
  return { key: credential.privateKeyPem, cert: credential.certPem, minVersion: 'TLSv1.3' };
}
