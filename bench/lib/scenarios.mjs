// The measurements, shared by every client process and by on-call.mjs.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './stats.mjs';

/**
 * `calls` calls with `concurrency` in flight: req/s, latency p50/p99 (ms), and the CPU this
 * process spent (user + system, GC included) per call in µs.
 */
export async function throughputRound(call, { calls = 2000, concurrency = 20 } = {}) {
  const latencies = new Float64Array(calls);
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < calls) {
      const i = next++;
      const started = performance.now();
      try {
        await call();
      } catch {
        errors++;
      }
      latencies[i] = performance.now() - started;
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort();
  return {
    reqPerSec: calls / (elapsedMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    errors,
  };
}

/**
 * The first `calls` calls of a fresh client (connections, token, JIT warming inside), then
 * the next `calls` (steady state). Every call must return a full page of `pageSize` items:
 * a short page counts as an error.
 */
export async function firstAndSteady(call, { calls = 2000, concurrency = 20, pageSize = 20 } = {}) {
  const checked = async () => {
    const n = await call();
    if (n !== pageSize) throw new Error(`expected a page of ${pageSize} items, got ${n}`);
  };
  const first = await throughputRound(checked, { calls, concurrency });
  await sleep(20);
  const steady = await throughputRound(checked, { calls, concurrency });
  return { first, steady };
}

/** 100 concurrent calls on a client that holds no token yet: how many token requests. */
export async function coldStorm(adapter, ctx, ctl, n = 100) {
  await ctl('reset');
  const instance = await adapter.create(ctx);
  try {
    const settled = await Promise.allSettled(
      Array.from({ length: n }, () => adapter.call(instance)),
    );
    const { tokenRequests } = await ctl('stats');
    return { calls: n, ok: settled.filter((s) => s.status === 'fulfilled').length, tokenRequests };
  } finally {
    await adapter.close(instance);
  }
}

/**
 * The token endpoint answers 40125 (wrong secret) to everything. 20 callers on a fresh
 * client, each calling again 10 ms after its previous call ended, for 3 s: how many calls
 * were made and how many requests (token + business) reached WeChat.
 */
export async function wrongSecret(
  adapter,
  ctx,
  ctl,
  { ms = 3000, callers = 20, pauseMs = 10 } = {},
) {
  await ctl('reset');
  await ctl('failTokenEndpoint', { errcode: 40125 });
  const instance = await adapter.create(ctx);
  let calls = 0;
  let ok = 0;
  const deadline = performance.now() + ms;
  const caller = async () => {
    while (performance.now() < deadline) {
      calls++;
      try {
        await adapter.call(instance);
        ok++;
      } catch {
        // expected: every call fails
      }
      await sleep(pauseMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: callers }, caller));
    const stats = await ctl('stats');
    return { calls, ok, tokenRequests: stats.tokenRequests, requests: stats.total };
  } finally {
    await ctl('clearFaults');
    await adapter.close(instance);
  }
}

/**
 * A warm client whose token WeChat revokes (every issued token answers 40001 from now on):
 * does the next call succeed, does the one after it, and how many token requests it took.
 */
export async function recoverFrom40001(adapter, instance, ctl) {
  await ctl('clearFaults');
  await ctl('expireToken');
  await ctl('resetCounters');
  const attempt = async () => {
    try {
      await adapter.call(instance);
      return true;
    } catch {
      return false;
    }
  };
  const first = await attempt();
  const second = await attempt();
  const { tokenRequests } = await ctl('stats');
  return { first, second, tokenRequests };
}
