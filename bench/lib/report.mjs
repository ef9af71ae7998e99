// Tables and target checks of `npm run bench` (run.mjs), from the per-process results.
import { fmt, median, table } from './stats.mjs';

const spread = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

/** Per client and phase (first / steady): medians over the runs, with their min and max. */
export function summarise(adapters, results) {
  const summary = {};
  for (const a of adapters) {
    const runs = results[a].runs.filter((r) => !r.failed);
    const phase = (key) => {
      const rounds = runs.map((r) => r[key]).filter(Boolean);
      if (rounds.length === 0) return undefined;
      return {
        runs: rounds.length,
        rps: spread(rounds.map((r) => r.reqPerSec)),
        cpu: spread(rounds.map((r) => r.cpuUsPerCall)),
        p50: median(rounds.map((r) => r.p50)),
        p99: median(rounds.map((r) => r.p99)),
        errors: rounds.reduce((n, r) => n + r.errors, 0),
      };
    };
    summary[a] = {
      name: results[a].name ?? a,
      failed: results[a].runs.filter((r) => r.failed).map((r) => r.failed),
      first: phase('first'),
      steady: phase('steady'),
      tokens: results[a].tokens,
    };
  }
  return summary;
}

const range = (s, digits = 0) => `${fmt(s.min, digits)}–${fmt(s.max, digits)}`;

/** One table per phase: medians with the spread of the runs. */
export function phaseTable(adapters, summary, phase) {
  return table(
    ['client', 'req/s', '(runs)', 'CPU µs/call', '(runs)', 'p50 ms', 'p99 ms', 'errors'],
    adapters.map((a) => {
      const s = summary[a][phase];
      if (!s) return [summary[a].name, '—', '—', '—', '—', '—', '—', summary[a].failed.join('; ')];
      return [
        summary[a].name,
        fmt(s.rps.median),
        range(s.rps),
        fmt(s.cpu.median),
        range(s.cpu),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
        s.errors,
      ];
    }),
  );
}

/**
 * The targets, as ratios of medians from the same run: CPU per call at most 2× raw
 * undici's and below every peer SDK's; req/s above every peer SDK's. Returns printable lines.
 */
export function targetLines(summary, peers, phase) {
  const ours = summary.ours?.[phase];
  if (!ours) return ['  (nestjs-wechat-material did not run)'];
  const mark = (ok) => (ok ? 'PASS' : 'MISS');
  const lines = [];
  const floor = summary.undici?.[phase];
  if (floor) {
    const r = ours.cpu.median / floor.cpu.median;
    lines.push(`  ${mark(r <= 2)} CPU/call ÷ raw undici: ${fmt(r, 2)}× (target ≤ 2×)`);
  }
  for (const p of peers) {
    const s = summary[p]?.[phase];
    if (!s) continue;
    const cpu = ours.cpu.median / s.cpu.median;
    const rps = ours.rps.median / s.rps.median;
    lines.push(
      `  ${mark(cpu < 1)} CPU/call ÷ ${summary[p].name}: ${fmt(cpu, 2)}× (target < 1)   ` +
        `${mark(rps > 1)} req/s ÷ it: ${fmt(rps, 2)}× (target > 1)`,
    );
  }
  return lines;
}

/** The token scenarios (clients that handle tokens). */
export function tokenTable(adapters, summary) {
  const yes = (b) => (b === undefined ? '—' : b ? 'ok' : 'FAILS');
  return table(
    [
      'client',
      'cold storm: token reqs (100 calls)',
      '40125 for 3 s: calls / token reqs / all reqs',
      'after one 40001: next call / the one after / token reqs',
    ],
    adapters
      .filter((a) => summary[a].tokens)
      .map((a) => {
        const { coldStorm: c, wrongSecret: w, recovery: r } = summary[a].tokens;
        return [
          summary[a].name,
          c ? `${c.tokenRequests} (${c.ok}/${c.calls} ok)` : '—',
          w ? `${w.calls} / ${w.tokenRequests} / ${w.requests}` : '—',
          r ? `${yes(r.first)} / ${yes(r.second)} / ${r.tokenRequests}` : '—',
        ];
      }),
  );
}
