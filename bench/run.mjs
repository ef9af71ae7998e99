// `npm run bench` (root) → `node bench/run.mjs`: starts the mock WeChat in its own process,
// then runs each client in its own process (client.mjs), twice for throughput (forward, then
// reverse order, against drift on a shared machine), and prints the tables.
// Options: --only a,b (adapter file names in clients/) · --profile (node --cpu-prof for the
// children, written to bench/profiles/) · --json <file> (raw results).
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startMock } from './lib/mock.mjs';
import { fmt, median, table } from './lib/stats.mjs';

// node-http is a reference row (no library at all): it shows what axios itself costs.
const ADAPTERS = ['node-http', 'axios', 'wechat-api', 'co-wechat-api', 'node-easywechat', 'ours'];
const NOT_PEERS = new Set(['node-http', 'axios', 'ours']);
const CHILD_TIMEOUT_MS = 120_000;
const TOTAL_BUDGET_MS = 290_000;

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : (argv[i + 1] ?? '');
};
const only = opt('--only')?.split(',').filter(Boolean);
const adapters = only ? ADAPTERS.filter((a) => only.includes(a)) : ADAPTERS;
const profile = argv.includes('--profile');
const jsonOut = opt('--json');
const profileDir = fileURLToPath(new URL('./profiles/', import.meta.url));
if (profile) mkdirSync(profileDir, { recursive: true });

const startedAt = Date.now();
const budget = setTimeout(() => {
  console.error(`bench: over the ${TOTAL_BUDGET_MS / 1000} s budget, giving up`);
  process.exit(1);
}, TOTAL_BUDGET_MS);
budget.unref();

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line ? line.split(':')[1].trim() : os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model;
  }
}

function runClient(mock, adapter, mode) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./client.mjs', import.meta.url)), [adapter, mode], {
      env: { ...process.env, BENCH_BASE_URL: mock.baseUrl, BENCH_CONTROL_URL: mock.controlUrl },
      execArgv: profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('message', (m) => (result = m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(result ?? { adapter, failed: `exit ${code ?? signal}` });
    });
  });
}

const machine = {
  date: new Date().toISOString(),
  cpus: os.availableParallelism(),
  cpuModel: cpuModel(),
  node: process.version,
  loadavgStart: os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
};
console.log(
  `bench: ${machine.date} · ${machine.cpus} cores · ${machine.cpuModel} · Node ${machine.node} · load ${machine.loadavgStart}`,
);

const mock = await startMock();
const results = {};
try {
  for (const a of adapters) {
    process.stdout.write(`  ${a}: full run… `);
    results[a] = { full: await runClient(mock, a, 'full') };
    console.log(results[a].full.failed ?? 'done');
  }
  for (const a of [...adapters].reverse()) {
    process.stdout.write(`  ${a}: throughput again… `);
    results[a].warm = await runClient(mock, a, 'warm');
    console.log(results[a].warm.failed ?? 'done');
  }
} finally {
  await mock.stop();
}
machine.loadavgEnd = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
machine.seconds = Math.round((Date.now() - startedAt) / 1000);

// Medians over the timed rounds of both passes (4 + 4 rounds of 2000 calls).
const summary = {};
for (const a of adapters) {
  const rounds = [...(results[a].full.warm ?? []), ...(results[a].warm.warm ?? [])];
  summary[a] = {
    name: results[a].full.name ?? a,
    rounds: rounds.length,
    reqPerSec: median(rounds.map((r) => r.reqPerSec)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUsPerCall: median(rounds.map((r) => r.cpuUsPerCall)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    coldStorm: results[a].full.coldStorm,
    wrongSecret: results[a].full.wrongSecret,
    recovery: results[a].full.recovery,
  };
}

const floor = summary.axios;
const ratio = (x, y) => (floor ? fmt(x / y, 2) : '—');
console.log(
  '\nWarm batchget_material: 2000 calls, concurrency 20, medians of 8 rounds (2 processes × 4, after 2000 warm-up calls each)\n',
);
console.log(
  table(
    ['client', 'req/s', '× axios', 'p50 ms', 'p99 ms', 'CPU µs/call', 'CPU × axios', 'errors'],
    adapters.map((a) => {
      const s = summary[a];
      return [
        s.name,
        fmt(s.reqPerSec),
        ratio(s.reqPerSec, floor?.reqPerSec),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
        fmt(s.cpuUsPerCall),
        ratio(s.cpuUsPerCall, floor?.cpuUsPerCall),
        s.errors,
      ];
    }),
  ),
);

const yes = (b) => (b === undefined ? '—' : b ? 'ok' : 'FAILS');
console.log('\nToken handling (the raw rows have none)\n');
console.log(
  table(
    [
      'client',
      'cold storm: token reqs (100 calls)',
      '40125 for 3 s: calls / token reqs / all reqs',
      'after one 40001: next call / the one after / token reqs',
    ],
    adapters.map((a) => {
      const s = summary[a];
      const c = s.coldStorm;
      const w = s.wrongSecret;
      const r = s.recovery;
      return [
        s.name,
        c ? `${c.tokenRequests} (${c.ok}/${c.calls} ok)` : '—',
        w ? `${w.calls} / ${w.tokenRequests} / ${w.requests}` : '—',
        r ? `${yes(r.first)} / ${yes(r.second)} / ${r.tokenRequests}` : '—',
      ];
    }),
  ),
);

const ours = summary.ours;
if (ours) {
  const peers = adapters.filter((a) => !NOT_PEERS.has(a)).map((a) => summary[a]);
  const fastest = peers.reduce(
    (best, p) => (!best || p.reqPerSec > best.reqPerSec ? p : best),
    null,
  );
  const leanest = peers.reduce(
    (best, p) => (!best || p.cpuUsPerCall < best.cpuUsPerCall ? p : best),
    null,
  );
  const mark = (ok) => (ok ? 'PASS' : 'MISS');
  console.log('\nTargets for nestjs-wechat-material (same run)\n');
  if (floor) {
    const t = ours.reqPerSec / floor.reqPerSec;
    const c = floor.cpuUsPerCall / ours.cpuUsPerCall;
    console.log(
      `  ${mark(t >= 0.9)} req/s ≥ 0.9× raw axios: ${fmt(t, 2)}× (CPU/call: ${fmt(c, 2)}× as efficient)`,
    );
  }
  if (fastest) {
    const t = ours.reqPerSec / fastest.reqPerSec;
    console.log(`  ${mark(t >= 1)} req/s ≥ fastest peer (${fastest.name}): ${fmt(t, 2)}×`);
    const c = leanest.cpuUsPerCall / ours.cpuUsPerCall;
    console.log(
      `  ${mark(c >= 1)} CPU/call ≤ leanest peer (${leanest.name}): ${fmt(c, 2)}× as efficient`,
    );
  }
  if (ours.coldStorm) {
    console.log(
      `  ${mark(ours.coldStorm.tokenRequests === 1)} exactly 1 token request in the cold storm: ${ours.coldStorm.tokenRequests}`,
    );
  }
  if (ours.wrongSecret) {
    console.log(
      `  ${mark(ours.wrongSecret.tokenRequests <= 3)} ≤ 3 token requests on 40125: ${ours.wrongSecret.tokenRequests}`,
    );
  }
  if (ours.recovery) {
    const r = ours.recovery;
    console.log(
      `  ${mark(r.first && r.second)} recovers from one 40001: next call ${yes(r.first)}, ${r.tokenRequests} token request(s)`,
    );
  }
}
console.log(
  `\n${machine.seconds} s · load average at start ${machine.loadavgStart}, at end ${machine.loadavgEnd}`,
);

if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, summary, results }, null, 2));
clearTimeout(budget);
