import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { WechatCallEvent } from '../../../lib/index.js';

/** The paths the library calls. Any other path is counted as `other`. */
const WECHAT_PATHS: ReadonlySet<string> = new Set([
  '/cgi-bin/stable_token',
  '/cgi-bin/token',
  '/cgi-bin/material/batchget_material',
  '/cgi-bin/material/get_materialcount',
  '/cgi-bin/openapi/quota/get',
  '/cgi-bin/material/add_material',
  '/cgi-bin/material/get_material',
  '/cgi-bin/material/del_material',
  '/cgi-bin/media/uploadimg',
  '/cgi-bin/media/upload',
  '/cgi-bin/media/get',
]);

/** Token endpoint path → `endpoint` label (the `tokenEndpoint` option's values). */
const TOKEN_ENDPOINTS: Readonly<Record<string, string>> = {
  '/cgi-bin/stable_token': 'stable',
  '/cgi-bin/token': 'classic',
};

/**
 * errcodes that get a series of their own: those in the errcode → HTTP table, the token
 * endpoint's own, and quota/get's own. Any other errcode is counted as `other`, so the label
 * stays bounded whatever WeChat answers.
 */
const KNOWN_ERRCODES: ReadonlySet<number> = new Set([
  -1, 40001, 40002, 40004, 40007, 40013, 40014, 40125, 40164, 40243, 41001, 41002, 42001, 43002,
  44002, 45009, 45011, 45103, 45106, 47001, 48001, 50001, 50002, 61024, 76003, 76021, 76022, 89501,
  89503,
  // media uploads: file type and size, the video description
  40005, 40006, 40009, 40113, 41005, 45001, 40062,
]);

/**
 * Prometheus metrics of the app's WeChat calls, fed by the module's `onCall` option.
 * Labels come from fixed sets only (path, outcome, errcode, endpoint): never an appId,
 * rid, token or query string.
 */
@Injectable()
export class WechatMetrics {
  /** This app's own registry (not prom-client's global one): apps in one process never clash. */
  readonly registry = new Registry();

  private readonly calls = new Counter({
    name: 'wechat_calls_total',
    help: 'HTTP attempts to WeChat, token fetches and retries included',
    labelNames: ['path', 'outcome', 'errcode'] as const,
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'wechat_call_duration_seconds',
    help: 'Duration of one HTTP attempt to WeChat',
    labelNames: ['path', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly tokenFetches = new Counter({
    name: 'wechat_token_fetches_total',
    help: 'HTTP attempts to /cgi-bin/stable_token (stable) or /cgi-bin/token (classic)',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });

  private readonly retries = new Counter({
    name: 'wechat_call_retries_total',
    help: 'Retries sent to WeChat (attempts after the first)',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });

  /** The module's `onCall`: called once per HTTP attempt. */
  readonly record = (e: WechatCallEvent): void => {
    const path = WECHAT_PATHS.has(e.path) ? e.path : 'other';
    const labels = { path, outcome: e.outcome };
    if (e.errcode === undefined) {
      this.calls.inc(labels);
    } else {
      this.calls.inc({ ...labels, errcode: KNOWN_ERRCODES.has(e.errcode) ? e.errcode : 'other' });
    }
    this.duration.observe(labels, e.durationMs / 1000);
    if (e.attempt > 1) this.retries.inc({ path });
    const endpoint = TOKEN_ENDPOINTS[e.path];
    if (endpoint) this.tokenFetches.inc({ endpoint });
  };

  /** The Prometheus text format of every metric above. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
