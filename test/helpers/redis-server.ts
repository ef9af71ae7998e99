import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe } from '@jest/globals';
import { sleep } from './wait.js';

/** `redis-server` on PATH, or undefined. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` when redis-server is installed. Without it: in CI (`CI=true`) the suite fails
 * loudly at load time; locally it is skipped with a visible warning.
 */
export function describeWithRedis(name: string, fn: () => void): void {
  if (findRedisServer()) {
    describe(name, fn);
    return;
  }
  const message =
    `redis-server is not on PATH: "${name}" needs a real Redis ` +
    '(install it, e.g. `apt-get install -y redis-server`).';
  if (process.env.CI === 'true') throw new Error(`${message} CI=true: these tests must run.`);
  console.warn(`SKIPPED: ${message}`);
  describe.skip(name, fn);
}

/** A throwaway redis-server on 127.0.0.1 (no persistence), for one test file. */
export class RedisServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Undoes `pause()`. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /**
   * Starts on a free port: redis-server has no `--port 0`, so a port is picked by binding
   * 127.0.0.1:0 and closing; a lost race (port taken meanwhile) is retried on another.
   */
  async start(timeoutMs = 10_000): Promise<string> {
    const bin = findRedisServer();
    if (!bin) throw new Error('redis-server is not on PATH');
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (let attempt = 0; attempt < 5 && Date.now() < deadline; attempt++) {
      const port = this.port || (await freePort());
      try {
        await this.spawnOn(bin, port, deadline);
        return this.url;
      } catch (err) {
        lastError = err;
        this.port = 0;
      }
    }
    throw new Error(`redis-server did not start: ${String(lastError)}`);
  }

  /** Starts again on the same port (after `stop()`). */
  async restart(timeoutMs = 10_000): Promise<void> {
    const bin = findRedisServer();
    if (!bin) throw new Error('redis-server is not on PATH');
    await this.spawnOn(bin, this.port, Date.now() + timeoutMs);
  }

  /** SIGTERM, then SIGKILL after 3 s. Idempotent. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT'); // in case it was paused
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
    }
  }

  private async spawnOn(bin: string, port: number, deadline: number): Promise<void> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'wm-redis-'));
    const child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let exitedEarly = false;
    child.once('exit', () => (exitedEarly = true));
    while (!exitedEarly) {
      const pid = await serverPid(port);
      if (pid !== undefined && pid === child.pid) {
        this.child = child;
        this.port = port;
        return;
      }
      // Another server answered on the port: ours lost the race for it.
      if (pid !== undefined || Date.now() > deadline) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING: ${output.trim()}`);
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The process id of the Redis answering on 127.0.0.1:port (PING, then INFO server), or
 * undefined when none answers within 500 ms. The pid tells our server from another one.
 */
export function serverPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (pid: number | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => finish(undefined), 500);
    socket.once('error', () => finish(undefined));
    socket.once('connect', () => socket.write('PING\r\nINFO server\r\n'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (!reply.startsWith('+PONG\r\n') && reply.length >= 7) return finish(undefined);
      const match = /process_id:(\d+)\r\n/.exec(reply);
      if (match) finish(Number(match[1]));
    });
  });
}
