// `npm run bench` (root) → `node bench/run.mjs`: the mock WeChat in its own process (pinned to
// core 0 with taskset when there is one), then each client in a process of its own (pinned to
// core 1), `--runs` times, interleaved (forward order, then reverse, …). Each process reports
// its first 2000 calls (connections, token and JIT warming inside) and the next 2000 (steady
// state): batchget_material, a 20-item page, concurrency 20. Then the token scenarios, one
// process per SDK. Prints the tables and targets and writes the SVG chart.
// Options: --only a,b (file names in clients/) · --runs N (default 3) · --no-tokens ·
// --profile (node --cpu-prof for the throughput children, into bench/profiles/) ·
// --json <file> (raw results) · --chart <file> (default docs/benchmarks.svg; 'none' skips).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { barChartSvg } from './lib/chart.mjs';
import { spawnNode, startMock } from './lib/mock.mjs';
import { phaseTable, summarise, targetLines, tokenTable } from './lib/report.mjs';

// undici and node:http are floors (no library); axios is a reference row.
const ADAPTERS = [
  'undici',
  'node-http',
  'axios',
  'wechat-api',
  'wechat-api-keepalive',
  'co-wechat-api',
  'node-easywechat',
  'ours',
];
const NOT_PEERS = new Set(['undici', 'node-http', 'axios', 'ours']);
const CHILD_TIMEOUT_MS = 120_000;
const TOTAL_BUDGET_MS = 600_000;

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : (argv[i + 1] ?? '');
};
const only = opt('--only')?.split(',').filter(Boolean);
const adapters = only ? ADAPTERS.filter((a) => only.includes(a)) : ADAPTERS;
const runs = Math.max(1, Number(opt('--runs') ?? 3));
const withTokens = !argv.includes('--no-tokens');
const profile = argv.includes('--profile');
const jsonOut = opt('--json');
const root = fileURLToPath(new URL('..', import.meta.url));
const chartOut = opt('--chart') ?? `${root}docs/benchmarks.svg`;
const profileDir = fileURLToPath(new URL('./profiles/', import.meta.url));
if (profile) mkdirSync(profileDir, { recursive: true });

const budget = setTimeout(() => {
  console.error(`bench: over the ${TOTAL_BUDGET_MS / 1000} s budget, giving up`);
  process.exit(1);
}, TOTAL_BUDGET_MS);
budget.unref();

const cpus = os.availableParallelism();
const pinned = cpus >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const CPU = pinned ? { mock: 0, client: 1 } : {};

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
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function runClient(mock, adapter, mode) {
  await mock.control('reset');
  return new Promise((resolve) => {
    const child = spawnNode(
      fileURLToPath(new URL('./client.mjs', import.meta.url)),
      [adapter, mode],
      {
        cpu: CPU.client,
        env: { ...process.env, BENCH_BASE_URL: mock.baseUrl, BENCH_CONTROL_URL: mock.controlUrl },
        execArgv:
          profile && mode === 'throughput' ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
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
  cpus,
  cpuModel: cpuModel(),
  node: process.version,
  pinned: pinned ? 'mock on core 0, client on core 1 (taskset)' : 'not pinned',
  loadavgStart: load(),
};
console.log(
  `bench: ${machine.date} · ${cpus} cores · ${machine.cpuModel} · Node ${machine.node} · ${machine.pinned} · load ${machine.loadavgStart}`,
);

const startedAt = Date.now();
const mock = await startMock({ cpu: CPU.mock });
const results = Object.fromEntries(adapters.map((a) => [a, { runs: [] }]));
try {
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 1 ? adapters : [...adapters].reverse();
    for (const a of order) {
      process.stdout.write(`  run ${run}/${runs} ${a}… `);
      const r = await runClient(mock, a, 'throughput');
      results[a].runs.push(r);
      results[a].name ??= r.name;
      console.log(
        r.failed ??
          `first ${Math.round(r.first.reqPerSec)} req/s ${Math.round(r.first.cpuUsPerCall)} µs · ` +
            `steady ${Math.round(r.steady.reqPerSec)} req/s ${Math.round(r.steady.cpuUsPerCall)} µs`,
      );
    }
  }
  if (withTokens) {
    for (const a of adapters.filter((x) => !NOT_PEERS.has(x) || x === 'ours')) {
      process.stdout.write(`  token scenarios ${a}… `);
      const r = await runClient(mock, a, 'tokens');
      if (!r.failed) results[a].tokens = r;
      console.log(r.failed ?? 'done');
    }
  }
} finally {
  await mock.stop();
}
machine.loadavgEnd = load();
machine.seconds = Math.round((Date.now() - startedAt) / 1000);

const summary = summarise(adapters, results);
const peers = adapters.filter((a) => !NOT_PEERS.has(a));
const header = (what) =>
  `\n${what}: batchget_material (20 items), 2000 calls at concurrency 20, median of ${runs} processes (runs interleaved), spread = lowest–highest run\n`;
console.log(header('Steady state (the second 2000 calls of each process)'));
console.log(phaseTable(adapters, summary, 'steady'));
console.log(header('First batch (the first 2000 calls of each process: JIT, connections, token)'));
console.log(phaseTable(adapters, summary, 'first'));
console.log('\nTargets, steady state (ratios of medians, same run)\n');
console.log(targetLines(summary, peers, 'steady').join('\n'));
console.log('\nSame ratios, first batch\n');
console.log(targetLines(summary, peers, 'first').join('\n'));
if (withTokens) {
  console.log('\nToken handling (the raw rows have none)\n');
  console.log(tokenTable(adapters, summary));
}
console.log(
  `\n${machine.seconds} s · load average at start ${machine.loadavgStart}, at end ${machine.loadavgEnd}`,
);

if (chartOut !== 'none') {
  const rows = adapters
    .filter((a) => summary[a].steady)
    .map((a) => ({ name: summary[a].name, highlight: a === 'ours', ...summary[a].steady }));
  const meta = `Steady state, median of ${runs} runs · Node ${machine.node} · ${cpus} cores, ${machine.pinned} · ${machine.date.slice(0, 10)} · load ${machine.loadavgStart}`;
  writeFileSync(
    chartOut,
    barChartSvg(rows, { title: 'batchget_material, 20 in flight (npm run bench)', meta }),
  );
  console.log(`chart: ${chartOut}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, summary, results }, null, 2));
clearTimeout(budget);
