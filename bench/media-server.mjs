// The WeChat stand-in for `npm run bench:media`, in its own process so its buffers and CPU
// never count against the client under test. Either FakeWechatServer (--fake: the real
// fake, uploads parsed and stored, downloads served back) or a lean stand-in that only
// counts upload bytes and serves generated files. Option --read-rate <bytes/s> makes the
// lean one read uploads at that pace, as WeChat over the internet does (a fast local server
// hides a body source that ignores backpressure), --send-rate <bytes/s> serve downloads at
// that pace (so that the 20 ms samples see a whole transfer). Prints `{ "baseUrl": … }` on stdout.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const readRate = Number(arg('--read-rate') ?? 0);
const sendRate = Number(arg('--send-rate') ?? 0);
const fileBytes = Number(arg('--file-bytes') ?? 10 * 1024 * 1024);

const json = (res, body) => {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
};

/** Reads the whole request body, at most `rate` bytes a second when rate > 0. */
function drainBody(req, rate) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const started = Date.now();
    req.on('data', (c) => {
      bytes += c.length;
      if (rate <= 0) return;
      const ahead = (bytes / rate) * 1000 - (Date.now() - started);
      if (ahead > 1) {
        req.pause();
        setTimeout(() => req.resume(), ahead);
      }
    });
    req.on('end', () => resolve(bytes));
    req.on('error', reject);
  });
}

/** A file of `size` bytes from one random 64 KB block, with backpressure, at most `rate` B/s. */
async function sendFile(res, size, rate) {
  const block = randomBytes(64 * 1024);
  res.setHeader('Content-Type', 'image/jpeg');
  res.setHeader('Content-Length', size);
  res.setHeader('Content-disposition', 'attachment; filename="bench.jpg"');
  res.writeHead(200);
  const started = Date.now();
  for (let sent = 0; sent < size;) {
    const n = Math.min(block.length, size - sent);
    sent += n;
    const ahead = rate > 0 ? (sent / rate) * 1000 - (Date.now() - started) : 0;
    if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
    if (!res.write(n === block.length ? block : block.subarray(0, n))) {
      await new Promise((resolve) => res.once('drain', resolve));
    }
  }
  res.end();
}

async function lean() {
  let uploads = 0;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.endsWith('token')) {
      await drainBody(req, 0);
      return json(res, { access_token: 'BENCH_MEDIA_TOKEN', expires_in: 7200 });
    }
    if (path === '/cgi-bin/material/add_material') {
      const bytes = await drainBody(req, readRate);
      uploads++;
      return json(res, { media_id: `bench_${uploads}_${bytes}` });
    }
    if (path === '/cgi-bin/material/get_material') {
      await drainBody(req, 0);
      return sendFile(res, fileBytes, sendRate);
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${server.address().port}`, stop: () => server.close() };
}

async function fake() {
  const { FakeWechatServer } = await import('../dist/testing/index.js');
  const server = new FakeWechatServer();
  const { baseUrl } = await server.start();
  return { baseUrl, stop: () => server.stop() };
}

const running = args.includes('--fake') ? await fake() : await lean();
const stop = async () => {
  await running.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('message', (m) => m === 'stop' && void stop());
process.on('disconnect', () => void stop());
process.stdout.write(`${JSON.stringify({ baseUrl: running.baseUrl })}\n`);
