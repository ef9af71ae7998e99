// Summarises a .cpuprofile from `node bench/run.mjs --only ours --profile`: self time by
// component (our dist/, axios, @nestjs, node internals…) and the top functions.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}

function component(url) {
  if (!url) return '(native / gc / idle)';
  if (url.includes('/bench/node_modules/'))
    return url.split('/bench/node_modules/')[1].split('/')[0];
  if (url.includes('/node_modules/')) {
    const rest = url.split('/node_modules/').pop().split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/dist/')) return 'nestjs-wechat-material (dist)';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

let total = 0;
const comp = new Map();
const fns = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const { functionName, url, lineNumber } = n.callFrame;
  total += us;
  const c = functionName === '(idle)' ? '(idle)' : component(url);
  comp.set(c, (comp.get(c) ?? 0) + us);
  const short = url ? url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/') : '';
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms\n\nself time by component:`);
for (const [c, us] of [...comp].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${c}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(us)}  ${f}`);
}
