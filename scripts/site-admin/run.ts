import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Command, parseCommandArgs, UsageError, usageText } from '@exam/cli';
import type { CleanupChecklist, CleanupReport, Receipt, SiteStatus } from '@exam/protocol';
import {
  describeAnswerPackage,
  describeAuthorization,
  describeBackups,
  describeChecklist,
  describeCleanup,
  describeImportExam,
  describeMediaExport,
  describeReceipt,
  describeStatus,
  describeUploads,
} from './describe.js';
import { missingListFrom, signCleanupOverride } from './signOverride.js';
import { SiteClient, type SiteReply } from './siteClient.js';

export const SITE_ADMIN = {
  name: 'site-admin',
  usage: `site-admin --data-dir DIR --url https://HOST:PORT --ca centre-root.pem [--site-id ID] [--json] COMMAND
  --data-dir DIR   the site server's data directory: the admin token is read from DIR/admin-token
                   (only the server's user on the server's machine can read it)
  --url URL        the site server, e.g. https://127.0.0.1:8443
  --ca FILE        the centre root (client/centre-root.pem): the server must prove it is the site's
  --site-id ID     the site it must be (default: the site-id file beside --ca, as make-exam writes it)
  --json           print the server's answer as JSON instead of sentences
commands:
  import-exam FILE             the exam data package (exam-data.exampkg)
  import-authorization FILE    the authorization package (authorization.exampkg)
  status                       per sitting: rooms not ended, answer packages
  uploads                      per sitting: the upload to the centre and its receipt
  backups                      the site's backup per sitting, each room's console backup
  answer-package SITTING       write the sitting's answer package now (final once every room ended)
  media-export SITTING FOLDER  the final package and its manifest to FOLDER (a USB stick)
  import-receipt FILE          the receipt file the centre wrote for a media export
  checklist                    what the cleanup still waits for (--json: the file sign-override reads)
  cleanup [--override FILE]    remove the exam data once everything is confirmed; the server then stops
  sign-override --key chief.p12 --missing-from FILE --reason TEXT [--out FILE]
                               the chief examiner signs an override of exactly the missing list
                               (PIN in EXAM_CHIEF_PIN, else EXAM_PROCTOR_PIN; no server needed)
Exit status: 0 done, 1 refused by the server (the reason is printed), 2 wrong usage.`,
  options: {
    'data-dir': { type: 'string' },
    url: { type: 'string' },
    ca: { type: 'string' },
    'site-id': { type: 'string' },
    json: { type: 'boolean', default: false },
    override: { type: 'string' },
    key: { type: 'string' },
    'missing-from': { type: 'string' },
    reason: { type: 'string' },
    out: { type: 'string' },
  },
  allowPositionals: true,
} as const satisfies Command;

export interface SiteAdminIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** How many positionals each command takes after its name. */
const ARITY: Record<string, number> = {
  'import-exam': 1,
  'import-authorization': 1,
  status: 0,
  uploads: 0,
  backups: 0,
  'answer-package': 1,
  'media-export': 2,
  'import-receipt': 1,
  checklist: 0,
  cleanup: 0,
  'sign-override': 0,
};

const usageFor = (io: SiteAdminIo) => (message: string) => {
  io.err(`site-admin: ${message}\n${usageText(SITE_ADMIN)}`);
  return 2;
};

/** Parses `argv` and runs the command; resolves to the exit status, never exits (tests call it). */
export async function runSiteAdmin(argv: readonly string[], io: SiteAdminIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommandArgs<typeof SITE_ADMIN>>;
  try {
    parsed = parseCommandArgs(SITE_ADMIN, argv);
  } catch (e) {
    if (e instanceof UsageError) return usageFor(io)(e.message);
    throw e;
  }
  if (parsed.help) {
    io.out(usageText(SITE_ADMIN));
    return 0;
  }
  return runSiteAdminCommand(parsed, io);
}

type ParsedSiteAdmin = Pick<ReturnType<typeof parseCommandArgs<typeof SITE_ADMIN>>, 'values' | 'positionals'>;

/** Runs one parsed command (the entry point parses with parseCommand, which answers --help). */
export async function runSiteAdminCommand(parsed: ParsedSiteAdmin, io: SiteAdminIo): Promise<number> {
  const usage = usageFor(io);
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (command !== undefined && !(command in ARITY)) return usage(`unknown command ${command}`);
  if (command !== undefined && args.length !== ARITY[command]) {
    return usage(`${command} takes ${ARITY[command]} argument(s), got ${args.length}`);
  }
  if (command === undefined) return usage('name a command');
  const now = io.now ?? (() => new Date());

  try {
    if (command === 'sign-override') {
      if (!values.key || !values['missing-from'] || !values.reason) {
        return usage('sign-override needs --key, --missing-from and --reason');
      }
      const { missing, siteId } = missingListFrom(JSON.parse(readFileSync(values['missing-from'], 'utf8')));
      const override = signCleanupOverride({
        p12: readFileSync(values.key),
        pin: io.env.EXAM_CHIEF_PIN ?? io.env.EXAM_PROCTOR_PIN ?? '',
        missing,
        siteId,
        reason: values.reason,
        at: now(),
        ...(values.ca ? { centreRootPem: readFileSync(values.ca, 'utf8') } : {}),
      });
      const text = `${JSON.stringify(override, null, 2)}\n`;
      if (values.out) {
        writeFileSync(values.out, text, { mode: 0o600 });
        io.out(
          `已签署越过清理检查的声明 override signed for ${missing.length} missing item(s): ${values.out}\n`,
        );
      } else io.out(text);
      return 0;
    }

    const dataDir = values['data-dir'];
    if (!dataDir || !values.url || !values.ca) return usage('--data-dir, --url and --ca are required');
    if (!URL.canParse(values.url) || new URL(values.url).protocol !== 'https:') {
      return usage('--url is https://HOST:PORT: the site server speaks HTTPS only');
    }
    const siteIdFile = join(dirname(values.ca), 'site-id');
    const siteId =
      values['site-id'] ?? (existsSync(siteIdFile) ? readFileSync(siteIdFile, 'utf8').trim() : '');
    if (!siteId) return usage(`--site-id is required (no site-id file beside ${values.ca})`);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const client = new SiteClient(values.url, token, {
      centreRootPem: readFileSync(values.ca, 'utf8'),
      siteId,
    });

    // The server's value is shown as the API documents it; the API's own tests pin its shape.
    const show = <T>(reply: SiteReply<unknown>, describe: (v: T) => string[]): number => {
      if (values.json) io.out(`${JSON.stringify(reply.body.ok ? reply.body.value : reply.body, null, 2)}\n`);
      if (!reply.body.ok) {
        const { code, message } = reply.body.error;
        if (!values.json) io.err(`拒绝 REFUSED ${code}: ${message}\n`);
        const missing = (reply.body.error.details as { missing?: unknown } | undefined)?.missing;
        if (!values.json && Array.isArray(missing)) {
          io.err(
            `尚缺 ${missing.length} 项 missing:\n${missing.map((m) => `  - ${String(m)}`).join('\n')}\n`,
          );
        }
        return 1;
      }
      if (!values.json) io.out(`${describe(reply.body.value as T).join('\n')}\n`);
      return 0;
    };

    const a = args as string[];
    switch (command) {
      case 'import-exam':
        return show(await client.postBytes('/api/admin/exam-data', readFileSync(a[0]!)), describeImportExam);
      case 'import-authorization':
        return show(
          await client.postBytes('/api/admin/authorization', readFileSync(a[0]!)),
          describeAuthorization,
        );
      case 'status':
        return show(await client.get<SiteStatus>('/api/admin/status'), describeStatus);
      case 'uploads':
        return show(
          await client.get<Parameters<typeof describeUploads>[0]>('/api/admin/uploads'),
          describeUploads,
        );
      case 'backups':
        return show(
          await client.get<Parameters<typeof describeBackups>[0]>('/api/admin/backups'),
          describeBackups,
        );
      case 'answer-package':
        return show(
          await client.postJson(`/api/admin/sittings/${encodeURIComponent(a[0]!)}/answer-package`, {}),
          describeAnswerPackage,
        );
      case 'media-export':
        return show(
          await client.postJson(`/api/admin/uploads/${encodeURIComponent(a[0]!)}/media`, {
            folder: resolve(a[1]!),
          }),
          describeMediaExport,
        );
      case 'import-receipt':
        return show(
          await client.postJson<Receipt>(
            '/api/admin/uploads/receipt',
            JSON.parse(readFileSync(a[0]!, 'utf8')),
          ),
          describeReceipt,
        );
      case 'checklist':
        return show(await client.get<CleanupChecklist>('/api/admin/cleanup'), describeChecklist);
      case 'cleanup': {
        const override = values.override
          ? (JSON.parse(readFileSync(values.override, 'utf8')) as unknown)
          : undefined;
        const reply = await client.postJson<CleanupReport>(
          '/api/admin/cleanup',
          override ? { override } : {},
        );
        return show(reply, describeCleanup);
      }
    }
    return usage(`unknown command ${command}`);
  } catch (e) {
    io.err(`site-admin: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
