// Issue "Walking the whole library", items 2 and 5, through MaterialService.iterateMaterials:
//  1. a full walk of 10,000 images with 20 ms latency per answer, concurrency 1 vs 4
//     (target: ≥ 3× faster with 4);
//  2. heap before, during and after a walk of 50,000 images (no latency): it stays small,
//     unlike keeping the items (shown for contrast).
// Usage: node bench/iterate.mjs (re-runs itself with --expose-gc).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.gc !== 'function') {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

await import('./lib/loopback-guard.mjs');
const { startMock } = await import('./lib/mock.mjs');
const { default: ours } = await import('./clients/ours.mjs');
const { fmt, table } = await import('./lib/stats.mjs');

const APP = { appId: 'wx_fake_app', appSecret: 'fake_secret' };
const MB = 1024 * 1024;

async function walk(material, opts, onItem = () => {}) {
  const hash = createHash('sha256');
  let count = 0;
  const started = performance.now();
  for await (const item of material.iterateMaterials('image', opts)) {
    hash.update(item.media_id);
    count++;
    onItem(item, count);
  }
  return { count, ms: performance.now() - started, digest: hash.digest('hex').slice(0, 12) };
}

function heapMB() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed / MB;
}

// 1. concurrency 1 vs 4 over 10,000 items, 20 ms latency.
{
  const mock = await startMock({ latencyMs: 20 });
  try {
    await mock.control('seedGenerated', { counts: { image: 10_000 } });
    const app = await ours.create({ ...APP, baseUrl: mock.baseUrl });
    await ours.call(app).catch(() => undefined); // token + sockets (the page has 20 items)
    const pages = async () =>
      (await mock.control('stats')).requests['/cgi-bin/material/batchget_material'] ?? 0;
    await mock.control('resetCounters');
    const one = await walk(app.material, { concurrency: 1 });
    one.pages = await pages();
    await mock.control('resetCounters');
    const four = await walk(app.material, { concurrency: 4 });
    four.pages = await pages();
    await ours.close(app);
    console.log('\nFull walk of 10,000 images, pageSize 20, 20 ms latency per answer\n');
    console.log(
      table(
        ['concurrency', 'items', 'page requests', 'time s', 'same sequence'],
        [
          ['1', one.count, one.pages, fmt(one.ms / 1000, 2), '—'],
          [
            '4',
            four.count,
            four.pages,
            fmt(four.ms / 1000, 2),
            four.digest === one.digest ? 'yes' : 'NO',
          ],
        ],
      ),
    );
    const ratio = one.ms / four.ms;
    console.log(
      `\n  ${ratio >= 3 ? 'PASS' : 'MISS'} concurrency 4 is ${fmt(ratio, 2)}× faster (target ≥ 3×)`,
    );
  } finally {
    await mock.stop();
  }
}

// 2. Heap over a 50,000-item walk.
{
  const mock = await startMock({ latencyMs: 0 });
  try {
    await mock.control('seedGenerated', { counts: { image: 50_000 } });
    const app = await ours.create({ ...APP, baseUrl: mock.baseUrl });
    await ours.call(app).catch(() => undefined);
    const before = heapMB();
    let peak = before;
    const walked = await walk(app.material, { concurrency: 4 }, (_item, n) => {
      if (n % 5000 === 0) peak = Math.max(peak, heapMB());
    });
    const after = heapMB();
    const kept = [];
    const keptWalk = await walk(app.material, { concurrency: 4 }, (item) => kept.push(item));
    const holding = heapMB();
    await ours.close(app);
    console.log('\nHeap (MB, after a full GC) around a walk of 50,000 images, concurrency 4\n');
    console.log(
      table(
        ['', 'items', 'heapUsed MB', 'Δ vs before'],
        [
          ['before the walk', '—', fmt(before, 1), '—'],
          ['highest of 10 samples during it', '—', fmt(peak, 1), `+${fmt(peak - before, 1)}`],
          [
            'after the walk',
            walked.count,
            fmt(after, 1),
            `${after >= before ? '+' : ''}${fmt(after - before, 1)}`,
          ],
          [
            'for contrast: items kept in an array',
            keptWalk.count,
            fmt(holding, 1),
            `+${fmt(holding - before, 1)}`,
          ],
        ],
      ),
    );
    console.log(
      `\n  walk time ${fmt(walked.ms / 1000, 2)} s; ${kept.length} items kept only in the contrast run`,
    );
  } finally {
    await mock.stop();
  }
}
