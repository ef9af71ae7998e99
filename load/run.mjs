// `npm run load`: the sample app with FakeWechatServer under autocannon, 127.0.0.1 only.
//
//   1. clean:   100 connections for 20 s → 0 errors, 0 non-2xx, one token fetch, heap flat.
//   2. faulted: the same with 1 % of upstream answers faulted (errcode -1, html502, 45009,
//               40007; no timeouts) → only 200/503/502/429/404, never a 500.
//
// Bounded in time (duration, plus a watchdog) and in count (maxOverallRequests). Prints a
// summary table and exits non-zero when a check fails. Options: --duration S,
// --connections N, --warmup S, --adapter express|fastify, --only clean|faulted.
import { fork, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, '.tmp', 'load-build');

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    adapter: { type: 'string', default: 'express' },
    only: { type: 'string' },
  },
});
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WARMUP_S = Number(args.warmup);
/** Hard caps: no run may outlive these, whatever the machine does. */
const MAX_OVERALL_REQUESTS = 3_000_000;
const WATCHDOG_MS = (WARMUP_S + DURATION_S) * 1000 + 90_000;
/** Heap after the run may exceed heap before by this much (forced GC on both sides). */
const HEAP_SLACK_BYTES = 16 * 1024 * 1024;

const MB = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const SCENARIOS = [
  {
    name: 'clean',
    faults: [],
    allowedStatuses: [200],
  },
  {
    name: 'faulted 1%',
    // 1 % of upstream answers on the two business paths, four kinds at 0.25 % each.
    faults: [
      { ratio: 0.0025, fault: { errcode: -1 } },
      { ratio: 0.0025, fault: 'html502' },
      { ratio: 0.0025, fault: { errcode: 45009 } },
      { ratio: 0.0025, fault: { errcode: 40007 } },
    ],
    allowedStatuses: [200, 503, 502, 429, 404],
  },
].filter((s) => !args.only || s.name.startsWith(args.only));

/** Valid requests only: every type, several offsets and page sizes, and the count route. */
const REQUESTS = [
  '/materials?type=image&offset=0&count=20',
  '/materials?type=news&offset=0&count=20',
  '/materials?type=image&offset=40&count=20',
  '/materials/count',
  '/materials?type=video&offset=0&count=10',
  '/materials?type=voice&offset=5&count=20',
  '/materials?type=news&offset=380&count=20',
  '/materials?type=image&offset=1999&count=1',
].map((path) => ({ method: 'GET', path }));

/** A 2xx body is a page or a count; anything else is the filter's error body. */
function verifyBody(body) {
  return (
    body.startsWith('{') &&
    (body.includes('"item":[') || body.includes('"image_count":') || body.includes('"statusCode":'))
  );
}

function buildSampleApp() {
  // Built into .tmp so that a teammate's sample-app/dist is never touched mid-edit.
  rmSync(buildDir, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const started = Date.now();
  const res = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'sample-app', 'tsconfig.json'), '--outDir', buildDir],
    { stdio: 'inherit' },
  );
  if (res.status !== 0) {
    console.error('load: the sample app does not compile');
    process.exit(1);
  }
  console.log(`load: sample app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function startApp(scenario) {
  const child = fork(join(root, 'load', 'app-server.mjs'), [], {
    cwd: root,
    execArgv: ['--expose-gc'],
    env: {
      ...process.env,
      LOAD_SAMPLE_BUILD: buildDir,
      LOAD_SCENARIO: JSON.stringify({ faults: scenario.faults, adapter: args.adapter }),
      // The sample app must talk to the fake it is given, never to WeChat.
      WECHAT_APP_ID: '',
      WECHAT_APP_SECRET: '',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiters = new Map();
  child.on('message', (msg) => {
    if (msg.type === 'failed') console.error(`load: app process: ${msg.error}`);
    const w = waiters.get(msg.type) ?? waiters.get('*');
    if (w) w(msg);
  });
  const next = (type, send, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`app process: no '${type}' in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.set(type, (msg) => {
        clearTimeout(timer);
        waiters.delete(type);
        resolve(msg);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (type !== 'exit')
          reject(new Error(`app process exited (${code}) waiting for '${type}'`));
      });
      if (send) child.send({ type: send });
    });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, next, exited };
}

function cannon(url, seconds, extra = {}) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        maxOverallRequests: MAX_OVERALL_REQUESTS,
        timeout: 10,
        requests: REQUESTS,
        verifyBody,
        ...extra,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: watchdog fired after ${ms} ms`)), ms);
    }),
  ]);
}

async function runScenario(scenario) {
  console.log(
    `\nload: ${scenario.name}: ${CONNECTIONS} connections, ${DURATION_S} s (+${WARMUP_S} s warm-up)`,
  );
  const app = startApp(scenario);
  const checks = [];
  const check = (name, ok, detail) => checks.push({ scenario: scenario.name, name, ok, detail });
  try {
    const { url } = await app.next('ready');
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1') throw new Error(`the app listens on ${host}, not 127.0.0.1`);

    if (WARMUP_S > 0) await cannon(url, WARMUP_S);
    const before = await app.next('heap', 'heap');
    const statsBefore = await app.next('stats', 'stats');
    const result = await cannon(url, DURATION_S);
    const after = await app.next('heap', 'heap');
    const stats = await app.next('stats', 'stats');
    await app.next('stopped', 'stop');
    // Closing the app and the fake must leave nothing that keeps the process alive.
    const code = await Promise.race([
      app.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ]);

    const statuses = Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([s, v]) => [s, v.count]),
    );
    const upstreamBusiness =
      (stats.upstream['/cgi-bin/material/batchget_material'] ?? 0) +
      (stats.upstream['/cgi-bin/material/get_materialcount'] ?? 0);
    const upstreamBefore =
      (statsBefore.upstream['/cgi-bin/material/batchget_material'] ?? 0) +
      (statsBefore.upstream['/cgi-bin/material/get_materialcount'] ?? 0);
    const errcodeEvents = (code) =>
      (stats.calls.errcode[code] ?? 0) - (statsBefore.calls.errcode[code] ?? 0);

    check('0 connection errors', result.errors === 0, `${result.errors}`);
    check('0 timeouts', result.timeouts === 0, `${result.timeouts}`);
    check('0 body mismatches', result.mismatches === 0, `${result.mismatches}`);
    const unexpected = Object.keys(statuses).filter(
      (s) => !scenario.allowedStatuses.includes(Number(s)),
    );
    check(
      `statuses only ${scenario.allowedStatuses.join('/')}`,
      unexpected.length === 0,
      JSON.stringify(statuses),
    );
    check('no 500', !statuses['500'], `${statuses['500'] ?? 0}`);
    check(
      'no error logged by the app',
      stats.logs.error + stats.logs.fatal === 0,
      [stats.logs.error + stats.logs.fatal, ...stats.errorSamples].join(' | '),
    );
    check('no unhandled rejection', stats.unhandled.length === 0, stats.unhandled.join(' | '));
    check('one token fetch for the whole run', stats.tokenRequests === 1, `${stats.tokenRequests}`);
    check(
      'heap after ≈ heap before',
      after.gc && after.heapUsed - before.heapUsed < HEAP_SLACK_BYTES,
      `${MB(before.heapUsed)} → ${MB(after.heapUsed)} (slack ${MB(HEAP_SLACK_BYTES)})`,
    );
    check('app process exits after close (no open handle)', code === 0, `${code}`);
    if (scenario.faults.length === 0) {
      check('0 non-2xx', result.non2xx === 0, `${result.non2xx}`);
      check('no retry', stats.calls.retried === 0, `${stats.calls.retried}`);
    } else {
      // Each 40007 / 45009 answer is one 404 / 429, give or take the requests in flight when
      // autocannon stopped counting.
      const slack = CONNECTIONS;
      const n404 = statuses['404'] ?? 0;
      const n429 = statuses['429'] ?? 0;
      check(
        '404s = 40007 answers',
        Math.abs(n404 - errcodeEvents(40007)) <= slack,
        `${n404} vs ${errcodeEvents(40007)}`,
      );
      check(
        '429s = 45009 answers',
        Math.abs(n429 - errcodeEvents(45009)) <= slack,
        `${n429} vs ${errcodeEvents(45009)}`,
      );
      const injected =
        errcodeEvents(-1) +
        errcodeEvents(45009) +
        errcodeEvents(40007) +
        ((stats.calls.transport['502'] ?? 0) - (statsBefore.calls.transport['502'] ?? 0));
      check('faults were injected', injected > 0, `${injected} faulted upstream answers`);
    }

    return {
      row: {
        scenario: scenario.name,
        requests: result.requests.total,
        'req/s': Math.round(result.requests.average),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        'max ms': result.latency.max,
        '2xx': result['2xx'],
        non2xx: result.non2xx,
        statuses: Object.entries(statuses)
          .map(([s, n]) => `${s}:${n}`)
          .join(' '),
        errors: result.errors,
        timeouts: result.timeouts,
        'upstream calls': upstreamBusiness - upstreamBefore,
        retries: stats.calls.retried - statsBefore.calls.retried,
        'token fetches': stats.tokenRequests,
        'heap before': MB(before.heapUsed),
        'heap after': MB(after.heapUsed),
        'rss after': MB(after.rss),
      },
      checks,
    };
  } catch (err) {
    check('run completed', false, String(err?.message ?? err));
    app.child.kill('SIGKILL');
    return { row: { scenario: scenario.name, requests: 'n/a' }, checks };
  }
}

function table(rows) {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => (v === undefined ? '' : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals) => '| ' + vals.map((v, i) => v.padEnd(width[i])).join(' | ') + ' |';
  return [
    line(cols),
    '|' + width.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

/** Rows as columns: 17 figures per scenario read better down than across. */
function transposed(rows) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'scenario');
  return table(
    keys.map((k) => Object.fromEntries([['figure', k], ...rows.map((r) => [r.scenario, r[k]])])),
  );
}

async function main() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  console.log(
    `load: ${pkg.name}@${pkg.version}, Node ${process.version}, adapter ${args.adapter}, ` +
      `timeoutMs 2000, retry { attempts: 2, baseDelayMs: 50 }; load average at start ` +
      loadavg()
        .map((n) => n.toFixed(2))
        .join(' / '),
  );
  buildSampleApp();
  const rows = [];
  const checks = [];
  for (const scenario of SCENARIOS) {
    const { row, checks: c } = await withTimeout(runScenario(scenario), WATCHDOG_MS, scenario.name);
    rows.push(row);
    checks.push(...c);
  }
  console.log(
    `\nload: machine: ${availableParallelism()} CPUs, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')} (1/5/15 min) at the end`,
  );
  console.log('\n' + transposed(rows));
  console.log(
    '\n' +
      table(
        checks.map((c) => ({
          scenario: c.scenario,
          check: c.name,
          result: c.ok ? 'ok' : 'FAIL',
          detail: c.detail,
        })),
      ),
  );
  const failed = checks.filter((c) => !c.ok);
  console.log(
    failed.length ? `\nload: ${failed.length} check(s) FAILED` : '\nload: all checks passed',
  );
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
