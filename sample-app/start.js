// `npm start`: runs the compiled sample app. `prestart` compiles it first (npm run build:sample);
// when this file is run on its own and nothing is compiled yet, it compiles here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('./dist/sample-app/src/main.js', import.meta.url);

if (!existsSync(main)) {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const tsconfig = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
  const build = spawnSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

await import(main.href);
