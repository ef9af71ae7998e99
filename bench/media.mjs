// Issue "Media", item 4: uploads and downloads never hold a whole file in memory.
// Method: WeChat runs in a child process (bench/media-server.mjs: FakeWechatServer, and a lean
// stand-in that reads uploads and sends downloads at 10 MB/s, as WeChat over the internet
// does; --lean uses the stand-in for the fast runs too); this process
// samples its live set — heapUsed + arrayBuffers right after a forced full gc() — every ~5 ms
// (the method; `--sample-ms 20` for NOTES.md's gentler cross-check) while one operation runs, and reports the peak above a baseline taken the same way just
// before; median of 3 runs. Run with --expose-gc --no-concurrent-array-buffer-sweeping (V8
// otherwise frees dead buffers on a background thread after gc() returns: MBs of noise);
// the script re-runs itself with those flags. Usage: npm run bench:media [-- --lean] [-- --sample-ms N]
import { fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setInterval, clearInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const FLAGS = ['--expose-gc', '--no-concurrent-array-buffer-sweeping'];
if (typeof globalThis.gc !== 'function') {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...FLAGS, self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

await import('./lib/loopback-guard.mjs');
const { NestFactory } = await import('@nestjs/core');
const { MaterialService, WechatMaterialModule } = await import('../dist/index.js');
const { fmt, median, table } = await import('./lib/stats.mjs');

const MB = 1024 * 1024;
const FILE_BYTES = 10 * MB;
const RUNS = 3;
const sampleArg = process.argv.indexOf('--sample-ms');
const SAMPLE_MS = sampleArg > 0 ? Number(process.argv[sampleArg + 1]) : 5;
if (!(SAMPLE_MS > 0)) throw new Error('--sample-ms takes a positive number of milliseconds');
const useFake = !process.argv.includes('--lean');
const SERVER_SCRIPT = fileURLToPath(new URL('./media-server.mjs', import.meta.url));

/** Forks the stand-in and waits for its address. */
async function startServer(extra = []) {
  const child = fork(SERVER_SCRIPT, extra, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const { baseUrl } = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))));
    });
    child.once('exit', (code) => reject(new Error(`media server exited (${code})`)));
  });
  return { baseUrl, stop: () => child.send('stop') };
}

async function client(baseUrl) {
  const app = await NestFactory.createApplicationContext(
    WechatMaterialModule.forRoot({
      appId: 'wx_fake_app',
      appSecret: 'fake_secret',
      baseUrl,
      timeoutMs: 30_000,
      transferTimeoutMs: 120_000,
    }),
    { logger: false },
  );
  return { app, material: app.get(MaterialService) };
}

const live = () => {
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Peak of the live set above the baseline (bytes) while `op` runs. */
async function peakDuring(op) {
  // Let the previous operation's last callbacks run first (undici releases a sent body a few
  // ticks after the answer resolved the call): the baseline is the quiet state.
  await new Promise((resolve) => setTimeout(resolve, 200));
  live();
  const baseline = Math.min(live(), live());
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, live());
  }, SAMPLE_MS);
  try {
    await op();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, live());
  return peak - baseline;
}

async function drain(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

async function download(material, mediaId) {
  const content = await material.getMaterial(mediaId);
  if (content.kind !== 'file') throw new Error(`expected a file, got ${content.kind}`);
  const bytes = await drain(content.stream);
  if (bytes !== FILE_BYTES) throw new Error(`downloaded ${bytes} bytes`);
}

const description = { title: '基准测试', introduction: 'bench:media' };
const dir = await mkdtemp(join(tmpdir(), 'bench-media-'));
const path = join(dir, 'bench.mp4');
await writeFile(path, randomBytes(FILE_BYTES));

const fast = await startServer(useFake ? ['--fake'] : ['--file-bytes', String(FILE_BYTES)]);
const slow = await startServer([
  '--read-rate',
  String(10 * MB),
  '--send-rate',
  String(10 * MB),
  '--file-bytes',
  String(FILE_BYTES),
]);
const a = await client(fast.baseUrl);
const s = await client(slow.baseUrl);

// Warm-up: token, sockets, JIT; and, against the fake, the file the downloads read back.
await a.material.addMaterial('video', { filename: 'b.mp4', path }, description);
await s.material.addMaterial('video', { filename: 'b.mp4', data: randomBytes(1024) }, description);
// The fake serves back what was uploaded; the lean stand-in serves generated bytes for any id.
const fileId = useFake
  ? (await a.material.addMaterial('image', { filename: 'b.jpg', path })).media_id
  : 'bench_file';
await download(a.material, fileId);

const scenarios = [
  {
    name: '10 MB upload from a path',
    target: 3 * MB,
    op: () => a.material.addMaterial('video', { filename: 'b.mp4', path }, description),
  },
  {
    name: '10 MB upload from a path, server reading at 10 MB/s',
    target: 3 * MB,
    op: () => s.material.addMaterial('video', { filename: 'b.mp4', path }, description),
  },
  {
    name: 'reference: the same, the file read into a Buffer first',
    op: async () => {
      const data = await readFile(path);
      await s.material.addMaterial('video', { filename: 'b.mp4', data }, description);
    },
  },
  {
    name: '10 MB download, drained',
    target: 3 * MB,
    op: () => download(a.material, fileId),
  },
  {
    name: '10 MB download at 10 MB/s, drained',
    target: 3 * MB,
    op: () => download(s.material, 'bench_file'),
  },
  {
    name: 'reference: the same, collected into a Buffer',
    op: async () => {
      const content = await s.material.getMaterial('bench_file');
      const chunks = [];
      for await (const c of content.stream) chunks.push(c);
      if (Buffer.concat(chunks).length !== FILE_BYTES) throw new Error('short download');
    },
  },
  {
    name: '20 concurrent 10 MB downloads, drained',
    target: 50 * MB,
    op: () => Promise.all(Array.from({ length: 20 }, () => download(a.material, fileId))),
  },
];

const rows = [];
let allHold = true;
for (const sc of scenarios) {
  const peaks = [];
  for (let i = 0; i < RUNS; i++) peaks.push(await peakDuring(sc.op));
  const med = median(peaks);
  const holds = sc.target === undefined ? '(reference)' : med < sc.target ? 'yes' : 'NO';
  if (holds === 'NO') allHold = false;
  rows.push([
    sc.name,
    fmt(med / MB, 2),
    peaks.map((p) => fmt(p / MB, 2)).join(' / '),
    sc.target === undefined ? '—' : `< ${sc.target / MB}`,
    holds,
  ]);
}

await a.app.close();
await s.app.close();
fast.stop();
slow.stop();
await rm(dir, { recursive: true, force: true });

const cmd = `node ${FLAGS.join(' ')} bench/media.mjs${useFake ? '' : ' --lean'} --sample-ms ${SAMPLE_MS}`;
console.log(`$ ${cmd}`);
console.log(
  `Node ${process.version}; peak of heapUsed + arrayBuffers above a baseline, sampled every ` +
    `${SAMPLE_MS} ms after a forced gc(); median of ${RUNS} runs; WeChat stand-in: ` +
    `${useFake ? 'FakeWechatServer' : 'the lean stand-in'} in a child process (the 10 MB/s rows: ` +
    `the lean stand-in, in another)\n`,
);
console.log(table(['operation', 'peak MB (median)', 'runs (MB)', 'target MB', 'holds'], rows));
console.log(`\nall targets hold: ${allHold ? 'yes' : 'NO'}`);
process.exit(allHold ? 0 : 1);
