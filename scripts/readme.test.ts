import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyAnswersCommand } from './centre/verifyCommand.js';

/**
 * Every command the README shows (and the one the demo prints at its end) is run the way
 * pnpm runs it, with `--help` appended: the package script's command in a shell, the
 * documented arguments after it as typed, or behind a `--` (pnpm 10 passes it on to the
 * script). `--help` is answered only after the options were parsed, so an option that does
 * not exist, or a `--` that breaks the parsing, fails here without starting anything long.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const rootScripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson).scripts;
const PNPM = /^((?:[A-Z_][A-Z0-9_]*=\S*\s+)*)(?:npx -y pnpm@10\.34\.9|pnpm)\s+(.*)$/;
// Only a safety net: a `--help` run takes seconds, but the machine may be busy.
const RUN_TIMEOUT_MS = 90_000;

interface PackageJson {
  name: string;
  scripts: Record<string, string>;
}

interface Documented {
  /** The line as the README shows it. */
  line: string;
  /** Variable assignments before the command (`EXAM_SITE_PIN= `). */
  env: string;
  /** What follows `pnpm`. */
  rest: string;
}

/** Every pnpm command in the README's code blocks and inline code. */
function documentedCommands(markdown: string): Documented[] {
  const snippets: string[] = [];
  const prose = markdown.replace(/```[^\n]*\n([\s\S]*?)```/g, (_, block: string) => {
    // Continued lines joined, shell comments dropped (a `#` after a space; not a URL's).
    snippets.push(
      ...block
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((l) => l.replace(/(^|\s)#.*$/, '')),
    );
    return '';
  });
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) snippets.push(m[1]!);
  const found: Documented[] = [];
  for (const snippet of snippets) {
    for (const part of snippet.split(/\s*(?:&&|;)\s*/)) {
      const m = PNPM.exec(part.trim());
      if (m) found.push({ line: part.trim(), env: m[1] ?? '', rest: m[2]!.trim() });
    }
  }
  return found;
}

const PNPM_BUILTINS = new Set(['install', 'add', 'exec', 'dlx']);
const workspaceScripts = (name: string): Record<string, string> | null => {
  for (const dir of ['apps', 'packages']) {
    for (const entry of readdirSync(join(ROOT, dir))) {
      const file = join(ROOT, dir, entry, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === name) return pkg.scripts ?? {};
    }
  }
  return null;
};

type Plan =
  | { kind: 'builtin' }
  | { kind: 'missing'; reason: string }
  | { kind: 'exists'; script: string }
  | { kind: 'run'; script: string; entry: string; args: string };

/** What the command is: a pnpm built-in, a script we only check exists, or a CLI to run. */
function plan(cmd: Documented): Plan {
  const filter = /^--filter\s+(\S+)\s+(\S+)/.exec(cmd.rest);
  if (filter) {
    const [, pkg = '', script = ''] = filter;
    return workspaceScripts(pkg)?.[script] === undefined
      ? { kind: 'missing', reason: `${pkg} has no script "${script}"` }
      : { kind: 'exists', script };
  }
  const [script = '', ...more] = cmd.rest.split(/\s+/);
  if (PNPM_BUILTINS.has(script)) return { kind: 'builtin' };
  const command = rootScripts[script];
  if (command === undefined) return { kind: 'missing', reason: `package.json has no script "${script}"` };
  const entry = /^tsx (\S+\.ts)$/.exec(command);
  if (!entry) return { kind: 'exists', script };
  return { kind: 'run', script, entry: entry[1]!, args: more.join(' ') };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** As pnpm runs a script: its command in a shell, the arguments appended. */
function runScript(env: string, script: string, args: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${env}${rootScripts[script]} ${args}`], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function expectHelp(cmd: Documented, p: Extract<Plan, { kind: 'run' }>, args: string) {
  const r = await runScript(cmd.env, p.script, `${args} --help`.trim());
  const what = `pnpm ${p.script} ${args} --help (from "${cmd.line}")\n${r.stderr}`;
  expect(r.stderr, what).not.toMatch(/ERR_PARSE_ARGS/);
  expect(r.status, what).toBe(0);
  expect(r.stdout, what).toMatch(/^usage: /m);
}

const demoPrints = verifyAnswersCommand({
  centrePin: 'centre-demo-pin',
  centreDir: 'demo-data/centre',
  exportsDir: 'demo-data/site-data/exports',
});
const commands = [
  ...documentedCommands(README),
  { ...documentedCommands(`\`${demoPrints}\``)[0]!, line: `${demoPrints} (printed by the demo)` },
];

describe('the README', () => {
  it('shows the commands a person needs (quickstart, a site by hand, each part)', () => {
    const scripts = new Set(commands.map((c) => c.rest.split(/\s+/)[0]));
    for (const s of [
      'demo',
      'test',
      'make-exam',
      'site-server',
      'proctor-web',
      'candidate:web',
      'issue-code',
    ])
      expect(scripts, s).toContain(s);
  });

  const plans = commands.map((cmd) => ({ cmd, p: plan(cmd) }));

  it('names only package scripts that exist', () => {
    const missing = plans.flatMap(({ cmd, p }) => (p.kind === 'missing' ? [`${cmd.line}: ${p.reason}`] : []));
    expect(missing).toEqual([]);
  });

  // Only entry points that answer --help are run: anything else could start a long job.
  type Runnable = { cmd: Documented; p: Extract<Plan, { kind: 'run' }> };
  const runnable = plans.filter((x): x is Runnable => x.p.kind === 'run');
  // Reads its options through parseCommand, and process.argv nowhere else (but the
  // `import.meta.url === file://${process.argv[1]}` check of a module that is also imported).
  const answersHelp = ({ p }: Runnable) => {
    const source = readFileSync(join(ROOT, p.entry), 'utf8');
    return /\bparseCommand\(/.test(source) && !/process\.argv(?!\[1\])/.test(source);
  };

  it('runs only command-line entry points that answer --help', () => {
    const deaf = runnable.filter((x) => !answersHelp(x)).map(({ cmd, p }) => `${cmd.line}: ${p.entry}`);
    expect(deaf, 'these do not read their options with parseCommand').toEqual([]);
  });

  // Every distinct command is run, and every script both ways a person may type it: as
  // documented and with pnpm's `--` before the options. A script documented once is run
  // both ways; one documented more often has its first command run as documented and the
  // others with the `--`. (Each run loads its entry point's whole module graph, seconds on
  // a busy machine, so the list is kept to that.)
  const bySeparator = (args: string) =>
    /^--(\s|$)/.test(args) ? args.replace(/^--\s*/, '') : `-- ${args}`.trim();
  const groups = new Map<string, Map<string, Runnable>>();
  for (const x of runnable.filter(answersHelp)) {
    const group = groups.get(x.p.script) ?? new Map<string, Runnable>();
    group.set(x.p.args.replace(/\s+/g, ' '), x);
    groups.set(x.p.script, group);
  }
  const runs = new Map<string, Runnable & { args: string }>();
  for (const [script, group] of groups) {
    const [[firstArgs, first], ...others] = [...group] as [[string, Runnable], ...[string, Runnable][]];
    runs.set(`${script} ${firstArgs}`, { ...first, args: firstArgs });
    for (const [args, x] of others.length === 0 ? [[firstArgs, first] as const] : others)
      runs.set(`${script} ${bySeparator(args)}`, { ...x, args: bySeparator(args) });
  }

  it.concurrent.each([...runs].map(([name, run]) => [name, run] as const))(
    'takes its options as documented: pnpm %s --help',
    async (_, { cmd, p, args }) => expectHelp(cmd, p, args),
    RUN_TIMEOUT_MS + 10_000,
  );
});
