import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CommandChild } from './commandChild.js';
import type {
  CandidateState,
  Command,
  GeneratorConfig,
  HandInResult,
  SavesResult,
  SetupResult,
  StartResult,
  StopResult,
} from './messages.js';
import { REPO_ROOT } from './site.js';

const GENERATOR = join(REPO_ROOT, 'scripts/load/generator.ts');

/** The controller's handle on a load generator process: one command at a time, one reply each. */
export class GeneratorProcess {
  private constructor(private readonly proc: CommandChild<Command>) {}

  get child(): ChildProcess {
    return this.proc.child;
  }

  /** `nodeArgs` go to node before the script, e.g. `--cpu-prof` to profile the generator. */
  static async start(cfg: GeneratorConfig, nodeArgs: readonly string[] = []): Promise<GeneratorProcess> {
    return new GeneratorProcess(await CommandChild.start<Command>('generator', GENERATOR, cfg, nodeArgs));
  }

  setup = () => this.proc.send<SetupResult>({ type: 'setup' });
  start = () => this.proc.send<StartResult>({ type: 'start' });
  saves = (rate: number, durationMs: number, drainMs?: number) =>
    this.proc.send<SavesResult>({ type: 'saves', rate, durationMs, ...(drainMs ? { drainMs } : {}) });
  run = (rate: number) => this.proc.send<unknown>({ type: 'run', rate });
  stop = (timeoutMs: number) => this.proc.send<StopResult>({ type: 'stop', timeoutMs });
  handIn = (maxWaitMs: number) => this.proc.send<HandInResult>({ type: 'handIn', maxWaitMs });
  flush = () => this.proc.send<unknown>({ type: 'flush' });
  state = () => this.proc.send<CandidateState[]>({ type: 'state' });

  close(): Promise<void> {
    return this.proc.close({ type: 'close' });
  }
}
