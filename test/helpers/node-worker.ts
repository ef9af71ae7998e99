import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'test/fixtures');

/**
 * Workers run the BUILT package like a real app: fails with what to do when dist/ is
 * missing, warns when lib/ changed after the last build.
 */
export function assertBuilt(
  entries: readonly string[] = ['dist/index.js', 'dist/redis/index.js'],
): void {
  const missing = entries.filter((entry) => !existsSync(join(ROOT, entry)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} missing: these tests spawn Node processes that load the built ` +
        'package. Run `npm run build` first.',
    );
  }
  const built = statSync(join(ROOT, 'dist/redis/redis-token.store.js'), { throwIfNoEntry: false });
  const source = statSync(join(ROOT, 'lib/redis/redis-token.store.ts'), { throwIfNoEntry: false });
  if (built && source && source.mtimeMs > built.mtimeMs) {
    console.warn(
      'lib/redis changed after the last build: run `npm run build` to test the current code.',
    );
  }
}

/** A `node` child running a fixture `.mjs`, with line-based stdout. Killed at process exit. */
export class NodeWorker {
  readonly lines: string[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  private readonly waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `env` adds to (or, with undefined values, removes from) this process's environment. */
  constructor(fixture: string, config: unknown, env: Record<string, string | undefined> = {}) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, WORKER_CONFIG: JSON.stringify(config) };
    for (const [key, value] of Object.entries({ ...env, NO_COLOR: '1' })) {
      if (value === undefined) delete childEnv[key];
      else childEnv[key] = value;
    }
    this.child = spawn(process.execPath, [join(FIXTURES, fixture)], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const killOnExit = () => this.child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        resolve({ code, signal });
      }),
    );
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const line of parts) this.onLine(line);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The first line starting with `prefix` (already printed or to come), within `timeoutMs`. */
  waitForLine(prefix: string, timeoutMs: number): Promise<string> {
    const seen = this.lines.find((line) => line.startsWith(prefix));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `worker ${this.pid}: no "${prefix}" line within ${timeoutMs} ms\n` +
              `stdout: ${this.lines.join('\n')}\nstderr: ${this.stderr}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        prefix,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(
          new Error(
            `worker ${this.pid} exited (${code ?? signal}) before "${prefix}"\n` +
              `stdout: ${this.lines.join('\n')}\nstderr: ${this.stderr}`,
          ),
        );
      });
    });
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private onLine(line: string): void {
    this.lines.push(line);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (line.startsWith(waiter.prefix)) {
        this.waiters.splice(i, 1);
        waiter.resolve(line);
      }
    }
  }
}
