// The mock WeChat for the benchmarks, in its own process so that its CPU is never billed to
// the client under test. It runs FakeWechatServer (from the built ../dist/testing) and a
// second tiny HTTP server on 127.0.0.1 for control commands, then prints one JSON line
// `{ "baseUrl": ..., "controlUrl": ... }` on stdout. Options: --latency <ms>.
// Stops on SIGTERM/SIGINT, on an IPC 'stop' message, or when its parent goes away.
import { createServer } from 'node:http';
import { FakeWechatServer } from '../dist/testing/index.js';

const args = process.argv.slice(2);
const latencyIndex = args.indexOf('--latency');
const latencyMs = latencyIndex === -1 ? 0 : Number(args[latencyIndex + 1]);

const TOKEN_PATHS = ['/cgi-bin/token', '/cgi-bin/stable_token'];

/** 20 image items shaped like WeChat's: a realistic page for the throughput runs. */
function benchImages() {
  const items = [];
  for (let i = 0; i < 20; i++) {
    const id = `bench_media_${String(i).padStart(4, '0')}`.padEnd(43, 'x');
    items.push({
      media_id: id,
      name: i % 3 === 0 ? 'CropImage' : `素材图片_${i}.png`,
      update_time: 1718090000 - i * 97,
      url: `http://mmbiz.qpic.cn/mmbiz_png/${'a'.repeat(86)}${i}/0?wx_fmt=png`,
      tags: [],
    });
  }
  return items;
}

const fake = new FakeWechatServer({ latencyMs });
fake.seed({ image: benchImages() });
const { baseUrl } = await fake.start();

const commands = {
  /** Fresh state: no faults, zero counters, every issued token dead, bench library. */
  reset() {
    fake.clearFaults();
    fake.resetCounters();
    fake.expireToken();
    fake.seed({ image: benchImages() });
    return {};
  },
  resetCounters() {
    fake.resetCounters();
    return {};
  },
  stats() {
    const requests = fake.requests;
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    return { tokenRequests: fake.tokenRequests, requests, total };
  },
  /** Every answer of the token endpoints becomes this errcode (e.g. 40125, a wrong secret). */
  failTokenEndpoint({ errcode }) {
    for (const path of TOKEN_PATHS) fake.failRatio(path, 1, { errcode });
    return {};
  },
  clearFaults() {
    fake.clearFaults();
    return {};
  },
  /** Tokens issued so far answer 40001 from now on. */
  expireToken() {
    fake.expireToken();
    return {};
  },
  seedGenerated({ counts }) {
    fake.seedGenerated(counts);
    return {};
  },
};

const control = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let status = 200;
    let out;
    try {
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const fn = commands[msg.cmd];
      if (!fn) throw new Error(`unknown command ${String(msg.cmd)}`);
      out = fn(msg);
    } catch (err) {
      status = 400;
      out = { error: err instanceof Error ? err.message : String(err) };
    }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(out));
  });
});
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
const controlUrl = `http://127.0.0.1:${control.address().port}`;

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  control.closeAllConnections();
  control.close();
  await fake.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('message', (m) => {
  if (m === 'stop') void stop();
});
process.on('disconnect', () => void stop());

process.stdout.write(`${JSON.stringify({ baseUrl, controlUrl })}\n`);
