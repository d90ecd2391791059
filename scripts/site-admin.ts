import { parseCommand } from '@exam/cli';
import { runSiteAdminCommand, SITE_ADMIN } from './site-admin/run.js';

/**
 * The site admin's command line (issue 18, decision 0018): the same admin routes as the web
 * page, authenticated with the bearer token the server keeps in its data directory.
 * `site-admin --help` lists the commands.
 */
process.exitCode = await runSiteAdminCommand(parseCommand(SITE_ADMIN), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
});
