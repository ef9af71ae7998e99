// Issue "Operations" item 5: the onCall hook costs nothing measurable when unused, and little
// when used. One process, two Nest application contexts against the same mock (in its own
// process): one without a subscriber, one with a counting subscriber. Rounds alternate
// (A B B A A B …) so drift on a shared machine hits both alike.
// Usage: node bench/on-call.mjs [rounds=8]
import './lib/loopback-guard.mjs';
import { startMock } from './lib/mock.mjs';
import ours from './clients/ours.mjs';
import { throughputRound } from './lib/scenarios.mjs';
import { fmt, median, table } from './lib/stats.mjs';

const rounds = Number(process.argv[2] ?? 8);
const mock = await startMock();
try {
  const ctx = { baseUrl: mock.baseUrl, appId: 'wx_fake_app', appSecret: 'fake_secret' };
  let events = 0;
  const variants = [
    { label: 'no onCall subscriber', instance: await ours.create(ctx) },
    {
      label: 'onCall subscriber (counts events)',
      instance: await ours.create({ ...ctx, moduleOptions: { onCall: () => void events++ } }),
    },
  ];
  for (const v of variants) {
    v.call = () => ours.call(v.instance);
    v.rounds = [];
    await throughputRound(v.call, { calls: 1000 }); // warm-up: token, sockets, JIT
  }
  events = 0;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) v.rounds.push(await throughputRound(v.call, { calls: 2000 }));
  }
  const [base, hooked] = variants.map((v) => ({
    label: v.label,
    reqPerSec: median(v.rounds.map((x) => x.reqPerSec)),
    p50: median(v.rounds.map((x) => x.p50)),
    p99: median(v.rounds.map((x) => x.p99)),
    cpuUsPerCall: median(v.rounds.map((x) => x.cpuUsPerCall)),
    errors: v.rounds.reduce((n, x) => n + x.errors, 0),
  }));
  console.log(
    `\nonCall cost: warm batchget_material, 2000 calls × ${rounds} alternating rounds each, concurrency 20, medians\n`,
  );
  console.log(
    table(
      ['variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/call', 'errors'],
      [base, hooked].map((s) => [
        s.label,
        fmt(s.reqPerSec),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
        fmt(s.cpuUsPerCall),
        s.errors,
      ]),
    ),
  );
  console.log(
    `\n  with / without subscriber: req/s ${fmt(hooked.reqPerSec / base.reqPerSec, 3)}×, ` +
      `CPU per call ${fmt(hooked.cpuUsPerCall / base.cpuUsPerCall, 3)}× ` +
      `(${events} events delivered in the timed rounds, expected ${rounds * 2000})`,
  );
  for (const v of variants) await ours.close(v.instance);
} finally {
  await mock.stop();
}
