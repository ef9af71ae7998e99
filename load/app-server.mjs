// The process under load: the sample app (built from sample-app/src by load/run.mjs) in
// front of a FakeWechatServer, both on 127.0.0.1. Started by run.mjs with --expose-gc and
// driven over IPC: 'heap' (forced GC, then memory figures), 'stats', 'stop'.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakeWechatServer } from 'nestjs-wechat-material/testing';

const BATCHGET = '/cgi-bin/material/batchget_material';
const COUNT = '/cgi-bin/material/get_materialcount';

const buildDir = process.env.LOAD_SAMPLE_BUILD;
const scenario = JSON.parse(process.env.LOAD_SCENARIO ?? '{}');
if (!buildDir || !process.send) {
  console.error('load/app-server.mjs is started by load/run.mjs');
  process.exit(2);
}

const { createApp, createAdapter } = await import(
  pathToFileURL(join(buildDir, 'sample-app/src/create-app.js')).href
);

/** Counts what the app logs, keeps the first few errors (a 500 would be logged here). */
class CountingLogger {
  counts = { log: 0, error: 0, warn: 0, debug: 0, verbose: 0, fatal: 0 };
  samples = [];
  #note(level, message, params) {
    this.counts[level]++;
    if ((level === 'error' || level === 'fatal') && this.samples.length < 5) {
      this.samples.push(
        [message, ...params]
          .map((p) => String(p))
          .join(' ')
          .slice(0, 500),
      );
    }
  }
  log(m, ...p) {
    this.#note('log', m, p);
  }
  error(m, ...p) {
    this.#note('error', m, p);
  }
  warn(m, ...p) {
    this.#note('warn', m, p);
  }
  debug(m, ...p) {
    this.#note('debug', m, p);
  }
  verbose(m, ...p) {
    this.#note('verbose', m, p);
  }
  fatal(m, ...p) {
    this.#note('fatal', m, p);
  }
}

const calls = { attempts: 0, ok: 0, retried: 0, errcode: {}, transport: {} };
function onCall(e) {
  calls.attempts++;
  if (e.retried) calls.retried++;
  if (e.outcome === 'ok') calls.ok++;
  else if (e.outcome === 'errcode') calls.errcode[e.errcode] = (calls.errcode[e.errcode] ?? 0) + 1;
  else calls.transport[e.status ?? 'none'] = (calls.transport[e.status ?? 'none'] ?? 0) + 1;
}

const fake = new FakeWechatServer();
fake.seedGenerated({ image: 2000, video: 300, voice: 300, news: 400 });
for (const path of [BATCHGET, COUNT]) {
  for (const { ratio, fault } of scenario.faults ?? []) fake.failRatio(path, ratio, fault);
}

const logger = new CountingLogger();
const app = await createApp(createAdapter(scenario.adapter ?? 'express'), {
  fake,
  // NOTES.md, "Load test".
  wechat: { timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 50 }, onCall },
  logger,
});
await app.listen(0, '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');

const unhandled = [];
let stopping = false;
// run.mjs went away without asking us to stop (watchdog, Ctrl-C): do not linger.
process.on('disconnect', () => {
  if (!stopping) process.exit(1);
});
process.on('unhandledRejection', (reason) => unhandled.push(String(reason).slice(0, 300)));

async function heap() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, gc: !!globalThis.gc };
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'heap') {
      process.send({ type: 'heap', ...(await heap()) });
    } else if (msg.type === 'stats') {
      process.send({
        type: 'stats',
        calls,
        upstream: fake.requests,
        tokenRequests: fake.tokenRequests,
        logs: logger.counts,
        errorSamples: logger.samples,
        unhandled,
      });
    } else if (msg.type === 'stop') {
      stopping = true;
      await app.close();
      await fake.stop();
      process.send({ type: 'stopped' });
      process.disconnect();
    }
  } catch (err) {
    process.send({ type: 'failed', error: String(err?.stack ?? err) });
  }
});

process.send({ type: 'ready', url });
