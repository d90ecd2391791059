import { SITE_SERVER_MAIN, serveInsecurePlainHttpForBenchmarkOnly } from '@exam/site-server';

/**
 * The site server's own main.ts, same command line, without TLS: the benchmark measures what
 * TLS costs against this (docs/BENCHMARKS.md). Nothing but `pnpm bench` starts it.
 */
serveInsecurePlainHttpForBenchmarkOnly();
await import(SITE_SERVER_MAIN);
