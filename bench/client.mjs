// One client per process: `node bench/client.mjs <adapter> <throughput|tokens>` with
// BENCH_BASE_URL and BENCH_CONTROL_URL set (run.mjs does this). `throughput`: the first 2000
// calls of the process, then the next 2000 (steady state). `tokens`: the token scenarios.
// Sends its results to the parent over IPC.
import './lib/loopback-guard.mjs';
import { control } from './lib/mock.mjs';
import { coldStorm, firstAndSteady, recoverFrom40001, wrongSecret } from './lib/scenarios.mjs';

const [adapterName, mode = 'throughput'] = process.argv.slice(2);
const baseUrl = process.env.BENCH_BASE_URL;
const controlUrl = process.env.BENCH_CONTROL_URL;
if (!adapterName || !baseUrl || !controlUrl) {
  console.error(
    'usage: BENCH_BASE_URL=… BENCH_CONTROL_URL=… node bench/client.mjs <adapter> [throughput|tokens]',
  );
  process.exit(2);
}

const { default: adapter } = await import(`./clients/${adapterName}.mjs`);
const ctl = (cmd, args) => control(controlUrl, cmd, args);
// The mock's default account; not a real credential.
const ctx = { baseUrl, appId: 'wx_fake_app', appSecret: 'fake_secret' };

const result = { adapter: adapterName, name: adapter.name, setup: adapter.setup, mode };

if (mode === 'throughput') {
  // The mock's state is reset by run.mjs before each throughput process.
  const instance = await adapter.create(ctx);
  Object.assign(result, await firstAndSteady(() => adapter.call(instance)));
  await adapter.close(instance);
} else if (adapter.handlesTokens) {
  result.coldStorm = await coldStorm(adapter, ctx, ctl);
  await ctl('reset');
  const instance = await adapter.create(ctx);
  await adapter.call(instance);
  result.recovery = await recoverFrom40001(adapter, instance, ctl);
  await adapter.close(instance);
  result.wrongSecret = await wrongSecret(adapter, ctx, ctl);
}

if (process.send) process.send(result);
else console.log(JSON.stringify(result, null, 2));
// Peers keep sockets and timers alive; the measurement is over.
setTimeout(() => process.exit(0), 50);
