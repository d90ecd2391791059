import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type {
  CandidateState,
  Command,
  GeneratorConfig,
  HandInResult,
  Reply,
  SavesResult,
  SetupResult,
  StartResult,
  StopResult,
} from './messages.js';
import { REPO_ROOT } from './site.js';

const GENERATOR = join(REPO_ROOT, 'scripts/load/generator.ts');

/** The controller's handle on a load generator process: one command at a time, one reply each. */
export class GeneratorProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(m.message));
    });
    child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`generator exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  /** `nodeArgs` go to node before the script, e.g. `--cpu-prof` to profile the generator. */
  static async start(cfg: GeneratorConfig, nodeArgs: readonly string[] = []): Promise<GeneratorProcess> {
    const child = fork(GENERATOR, [JSON.stringify(cfg)], {
      cwd: REPO_ROOT,
      execArgv: [...nodeArgs, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('generator did not start in 30 s')), 30_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`generator exited with ${code}`));
      });
    });
    return new GeneratorProcess(child);
  }

  private send<T>(cmd: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd });
    });
  }

  setup = () => this.send<SetupResult>({ type: 'setup' });
  start = () => this.send<StartResult>({ type: 'start' });
  saves = (rate: number, durationMs: number, drainMs?: number) =>
    this.send<SavesResult>({ type: 'saves', rate, durationMs, ...(drainMs ? { drainMs } : {}) });
  run = (rate: number) => this.send<unknown>({ type: 'run', rate });
  stop = (timeoutMs: number) => this.send<StopResult>({ type: 'stop', timeoutMs });
  handIn = (maxWaitMs: number) => this.send<HandInResult>({ type: 'handIn', maxWaitMs });
  flush = () => this.send<unknown>({ type: 'flush' });
  state = () => this.send<CandidateState[]>({ type: 'state' });

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await Promise.race([this.send({ type: 'close' }).catch(() => {}), exited]);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
