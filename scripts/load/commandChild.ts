import { type ChildProcess, fork } from 'node:child_process';
import type { Reply } from './messages.js';
import { REPO_ROOT } from './site.js';

/**
 * A script run in its own Node process that takes commands over the IPC channel, one reply
 * each, and says `ready` (reply 0) once it is listening: the load generator, and the rooms'
 * consoles the generator starts.
 */
export class CommandChild<Command> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly child: ChildProcess,
    name: string,
  ) {
    child.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(m.message));
    });
    child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${name} exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  /** `nodeArgs` go to node before the script, e.g. `--cpu-prof` to profile it. */
  static async start<Command>(
    name: string,
    script: string,
    arg: unknown,
    nodeArgs: readonly string[] = [],
  ): Promise<CommandChild<Command>> {
    const child = fork(script, [JSON.stringify(arg)], {
      cwd: REPO_ROOT,
      execArgv: [...nodeArgs, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s`)), 30_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}`));
      });
    });
    return new CommandChild<Command>(child, name);
  }

  send<T>(cmd: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd });
    });
  }

  /** Sends `closeCmd`, then waits for the process to exit (killed after 3 s). */
  async close(closeCmd: Command): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await Promise.race([this.send(closeCmd).catch(() => {}), exited]);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
