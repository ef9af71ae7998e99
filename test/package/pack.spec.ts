import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/** API.md's export whitelist, per entry point (runtime values only; types are checked by tsc). */
const RUNTIME_EXPORTS: Record<string, string[]> = {
  'nestjs-wechat-material': [
    'AccessTokenService',
    'AddDraftDto',
    'BatchGetDraftsDto',
    'BatchGetMaterialDto',
    'BatchGetPublishedDto',
    'DraftArticleDto',
    'DraftService',
    'MATERIAL_TYPES',
    'MaterialService',
    'NewsDraftArticleDto',
    'NewspicDraftArticleDto',
    'PublishService',
    'QuotaService',
    'UPLOAD_LIMITS',
    'UpdateDraftDto',
    'WECHAT_MATERIAL_OPTIONS',
    'WechatApiException',
    'WechatConfigurationException',
    'WechatExceptionFilter',
    'WechatMaterialModule',
    'WechatTransportException',
    'WechatValidationException',
  ],
  'nestjs-wechat-material/testing': ['FakeWechatServer'],
  'nestjs-wechat-material/redis': ['RedisTokenStore'],
  'nestjs-wechat-material/terminus': ['WechatHealthIndicator'],
};

/** Optional peers: left out of the consumer until the test of their entry point links them. */
const OPTIONAL_PEERS = ['ioredis', '@nestjs/terminus'];

/** API.md "Types exported", imported by a TypeScript consumer of the installed package. */
const TYPE_EXPORTS: Record<string, string[]> = {
  'nestjs-wechat-material': [
    'MaterialType',
    'MaterialClient',
    'NewsMaterialPage',
    'FileMaterialPage',
    'NewsMaterialItem',
    'FileMaterialItem',
    'NewsArticle',
    'MaterialCount',
    'WechatMaterialModuleOptions',
    'WechatMaterialModuleAsyncOptions',
    'WechatMaterialOptionsFactory',
    'AccessTokenProvider',
    'TokenStore',
    'StoredToken',
    'WechatCallEvent',
    'WechatQuota',
    'UploadType',
    'MaterialFile',
    'MaterialContent',
    'MaterialFileContent',
    'TemporaryMaterialContent',
    'DraftArticle',
    'NewsDraftArticle',
    'NewspicDraftArticle',
    'DraftPage',
    'DraftItem',
    'DraftClient',
    'PublishStatus',
    'PublishState',
    'PublishedArticle',
    'PublishedPage',
    'PublishedItem',
    'PublishClient',
  ],
  'nestjs-wechat-material/testing': ['FakeWechatServerOptions', 'FakeFault'],
  'nestjs-wechat-material/redis': ['RedisTokenStoreOptions'],
  'nestjs-wechat-material/terminus': [],
};

interface PackageJson {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
}

/** A TypeScript consumer of "./terminus": the indicator's signature and terminus's result type. */
const TERMINUS_CONSUMER = `
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { WechatHealthIndicator } from 'nestjs-wechat-material/terminus';
export const probe = (health: WechatHealthIndicator): Promise<HealthIndicatorResult<'wechat'>> =>
  health.isHealthy('wechat', {
    appId: 'wx_fake_app',
    quota: { cgiPath: '/cgi-bin/material/batchget_material', minRemaining: 100 },
  });
`;

const nodeEval = (cwd: string, script: string) =>
  run(process.execPath, ['--input-type=module', '-e', script], { cwd, timeout: 30_000 });

describe('the packed tarball, installed in a fresh project', () => {
  let tmp: string;
  let project: string;
  let pkg: PackageJson;
  let tarballFiles: string[];
  let entries: string[];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does, as pretest)');
    }
    pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
    // Every whitelisted entry point is checked: one missing from package.json fails below.
    entries = Object.keys(RUNTIME_EXPORTS);
    tmp = await mkdtemp(join(tmpdir(), 'nwm-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: ROOT,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarballFiles = packed!.files.map((f) => f.path);

    project = join(tmp, 'consumer');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    // Only the tarball is installed (offline, from the local file); peers come from the
    // repo's node_modules below, so no registry is needed.
    await run(
      'npm',
      [
        'install',
        join(tmp, packed!.filename),
        '--no-save',
        '--offline',
        '--legacy-peer-deps',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
      ],
      { cwd: project, timeout: 60_000 },
    );
    const peers = Object.keys(pkg.peerDependencies).filter(
      (name) => !OPTIONAL_PEERS.includes(name),
    );
    await linkFromRepo(project, [...peers, '@types/node']);
  }, 90_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('package.json exports every entry point of the API.md whitelist', () => {
    const exported = Object.keys(pkg.exports);
    for (const entry of entries) {
      expect(exported).toContain(entry.replace('nestjs-wechat-material', '.'));
    }
  });

  it('ships the built entry points and no sources or tests', () => {
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/testing/index.js',
      'package.json',
    ]) {
      expect(tarballFiles).toContain(file);
    }
    const unexpected = tarballFiles.filter(
      (f) => !/^(dist\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE)/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(tarballFiles.filter((f) => /\.spec\.|^lib\/|^test\/|^sample-app\//.test(f))).toEqual([]);
  });

  it('exports exactly the API.md whitelist from ".", "./testing" (plain ESM, no optional peers)', async () => {
    const { stdout } = await nodeEval(
      project,
      `const out = {};
       for (const name of ['nestjs-wechat-material', 'nestjs-wechat-material/testing']) {
         out[name] = Object.keys(await import(name)).sort();
       }
       console.log(JSON.stringify(out));`,
    );
    expect(JSON.parse(stdout)).toEqual({
      'nestjs-wechat-material': [...RUNTIME_EXPORTS['nestjs-wechat-material']!].sort(),
      'nestjs-wechat-material/testing': RUNTIME_EXPORTS['nestjs-wechat-material/testing'],
    });
  });

  it('keeps internals out of reach (no deep imports)', async () => {
    await expect(
      nodeEval(project, `await import('nestjs-wechat-material/dist/http/wechat-http.client.js')`),
    ).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it('exports RedisTokenStore from "./redis" once ioredis is installed', async () => {
    await linkFromRepo(project, ['ioredis']);
    const { stdout } = await nodeEval(
      project,
      `console.log(JSON.stringify(Object.keys(await import('nestjs-wechat-material/redis')).sort()))`,
    );
    expect(JSON.parse(stdout)).toEqual(RUNTIME_EXPORTS['nestjs-wechat-material/redis']);
  });

  it('exports WechatHealthIndicator from "./terminus" and probes from plain ESM', async () => {
    await linkFromRepo(project, ['@nestjs/terminus']);
    const { stdout } = await nodeEval(
      project,
      `import { Module } from '@nestjs/common';
       import { NestFactory } from '@nestjs/core';
       import { TerminusModule } from '@nestjs/terminus';
       import { WechatMaterialModule } from 'nestjs-wechat-material';
       import * as entry from 'nestjs-wechat-material/terminus';
       import { FakeWechatServer } from 'nestjs-wechat-material/testing';
       const fake = new FakeWechatServer();
       const { baseUrl } = await fake.start();
       class HealthModule {}
       Module({
         imports: [
           TerminusModule,
           WechatMaterialModule.forRoot({ appId: 'wx_fake_app', appSecret: 'fake_secret', baseUrl }),
         ],
         providers: [entry.WechatHealthIndicator],
       })(HealthModule);
       const ctx = await NestFactory.createApplicationContext(HealthModule, { logger: false });
       const health = ctx.get(entry.WechatHealthIndicator);
       const up = await health.isHealthy('wechat', {
         quota: { cgiPath: '/cgi-bin/material/batchget_material', minRemaining: 1 },
       });
       const unknown = await health.isHealthy('other', { appId: 'wx_nobody' });
       await ctx.close();
       await fake.stop();
       console.log(JSON.stringify({ exports: Object.keys(entry).sort(), up, unknown }));`,
    );
    expect(JSON.parse(stdout)).toEqual({
      exports: RUNTIME_EXPORTS['nestjs-wechat-material/terminus'],
      up: { wechat: { status: 'up' } },
      unknown: { other: { status: 'down', reason: 'configuration' } },
    });
  });

  it('works from the tarball: module + FakeWechatServer in plain ESM', async () => {
    const { stdout } = await nodeEval(
      project,
      `import { NestFactory } from '@nestjs/core';
       import { WechatMaterialModule, MaterialService } from 'nestjs-wechat-material';
       import { FakeWechatServer } from 'nestjs-wechat-material/testing';
       const fake = new FakeWechatServer();
       const { baseUrl } = await fake.start();
       const ctx = await NestFactory.createApplicationContext(
         WechatMaterialModule.forRoot({ appId: 'wx_fake_app', appSecret: 'fake_secret', baseUrl }),
         { logger: false },
       );
       const materials = ctx.get(MaterialService);
       const count = await materials.getMaterialCount();
       const ids = [];
       for await (const item of materials.iterateMaterials('image')) ids.push(item.media_id);
       await ctx.close();
       await fake.stop();
       console.log(JSON.stringify({ count, images: ids.length }));`,
    );
    expect(JSON.parse(stdout)).toEqual({
      count: { voice_count: 2, video_count: 2, image_count: 4, news_count: 2 },
      images: 4,
    });
  });

  it('gives a TypeScript (nodenext) consumer every documented type', async () => {
    const lines = entries
      .filter((entry) => TYPE_EXPORTS[entry]!.length > 0)
      .map((entry) => `import type { ${TYPE_EXPORTS[entry]!.join(', ')} } from '${entry}';`);
    const uses = entries.flatMap((entry) => TYPE_EXPORTS[entry]!).map((t) => `  ${t}`);
    await writeFile(
      join(project, 'consumer.ts'),
      `${lines.join('\n')}\nexport type All = [\n${uses.join(',\n')}\n];\n` +
        `import { MaterialService, WechatMaterialModule } from 'nestjs-wechat-material';\n` +
        `export const check: [typeof MaterialService, typeof WechatMaterialModule] = [MaterialService, WechatMaterialModule];\n` +
        TERMINUS_CONSUMER,
    );
    await linkFromRepo(project, ['ioredis', '@nestjs/terminus']);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--experimentalDecorators',
        '--skipLibCheck',
        'consumer.ts',
      ],
      { cwd: project, timeout: 60_000 },
    ).catch((error: { stdout?: string }) => {
      throw new Error(`tsc failed on the installed package:\n${error.stdout ?? String(error)}`);
    });
  }, 60_000);
});

describe('npm run lint:package', () => {
  it('passes publint --strict and attw --profile esm-only', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'lint:package'], {
      cwd: ROOT,
      timeout: 120_000,
    });
    expect(stdout).toContain('All good!');
  }, 120_000);
});

/** Symlinks packages of the repo's node_modules into the consumer's (skipping missing ones). */
async function linkFromRepo(project: string, names: string[]): Promise<void> {
  for (const name of names) {
    const from = join(ROOT, 'node_modules', name);
    const to = join(project, 'node_modules', name);
    if (!existsSync(from) || existsSync(to)) continue;
    await mkdir(dirname(to), { recursive: true });
    await symlink(from, to, 'dir');
  }
}
