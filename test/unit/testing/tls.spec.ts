import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { PATHS } from '../../helpers/constants.js';

let dir: string;
let key: string;
let cert: string;

/** A throwaway self-signed certificate for IP:127.0.0.1, made with openssl for this run. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function httpsGet(url: string, ca: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tls option', () => {
  it('serves https with the given key and certificate', async () => {
    const server = new FakeWechatServer({ tls: { key, cert } });
    const { baseUrl } = await server.start();
    try {
      expect(baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const token = server.issueToken();
      const reply = await httpsGet(`${baseUrl}${PATHS.count}?access_token=${token}`, cert);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text)).toEqual({
        voice_count: 2,
        video_count: 2,
        image_count: 4,
        news_count: 2,
      });
      expect(server.requests[PATHS.count]).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('is a real TLS server: a client that does not trust the certificate is refused', async () => {
    const server = new FakeWechatServer({ tls: { key, cert } });
    const { baseUrl } = await server.start();
    try {
      await expect(httpsGet(`${baseUrl}${PATHS.count}`, undefined)).rejects.toMatchObject({
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      expect(server.requests).toEqual({});
    } finally {
      await server.stop();
    }
  });

  it('reset faults work over TLS too (the socket is destroyed)', async () => {
    const server = new FakeWechatServer({ tls: { key, cert } });
    const { baseUrl } = await server.start();
    try {
      server.failNext(PATHS.count, 'reset');
      await expect(httpsGet(`${baseUrl}${PATHS.count}`, cert)).rejects.toThrow();
      expect((await httpsGet(`${baseUrl}${PATHS.count}`, cert)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('rejects a tls option without PEM key and cert', () => {
    expect(() => new FakeWechatServer({ tls: { key: '', cert } })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ tls: { key, cert: 'nope' } })).toThrow(RangeError);
  });
});
