// Starting the mock WeChat in its own process, and talking to its control endpoint.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const MOCK_SCRIPT = fileURLToPath(new URL('../mock-server.mjs', import.meta.url));

/** Sends one control command (see mock-server.mjs) and resolves with its JSON answer. */
export function control(controlUrl, cmd, args = {}) {
  const body = JSON.stringify({ cmd, ...args });
  return new Promise((resolve, reject) => {
    // agent: false: a fresh socket, never one of the pools under test.
    const req = request(
      `${controlUrl}/`,
      {
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const out = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode !== 200) reject(new Error(`mock control ${cmd}: ${out.error}`));
          else resolve(out);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A Node process for `script` with an IPC channel, pinned to one core with `taskset` when
 * `cpu` is given (the caller checks that taskset exists).
 */
export function spawnNode(script, args, { cpu, execArgv = [], env, stdio }) {
  const node = [...execArgv, script, ...args];
  const [cmd, argv] =
    cpu === undefined
      ? [process.execPath, node]
      : ['taskset', ['-c', String(cpu), process.execPath, ...node]];
  return spawn(cmd, argv, { env, stdio });
}

/** Starts mock-server.mjs (pinned to `cpu` if given) and waits for its address line. */
export async function startMock({ latencyMs = 0, cpu } = {}) {
  const child = spawnNode(MOCK_SCRIPT, ['--latency', String(latencyMs)], {
    cpu,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const { baseUrl, controlUrl } = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('mock server did not start in 20 s')), 20_000);
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl !== -1) {
        clearTimeout(timer);
        resolve(JSON.parse(buf.slice(0, nl)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock server exited early (${code})`));
    });
  });
  return {
    baseUrl,
    controlUrl,
    pid: child.pid,
    control: (cmd, args) => control(controlUrl, cmd, args),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
