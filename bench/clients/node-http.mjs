// Reference only: node:http with a keep-alive agent and JSON.parse, no library at all. It
// shows what axios itself costs per call (wechat-api's urllib sits close to this).
import { Agent, request } from 'node:http';

export default {
  name: 'node:http (raw keep-alive)',
  handlesTokens: false,
  setup: 'http.request with new http.Agent({ keepAlive: true }); token fetched once',

  async create({ baseUrl, appId, appSecret }) {
    const agent = new Agent({ keepAlive: true });
    const post = (url, body) =>
      new Promise((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(data),
            },
          },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
              try {
                resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
              } catch (err) {
                reject(err);
              }
            });
            res.on('error', reject);
          },
        );
        req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(data);
      });
    const token = await post(`${baseUrl}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: appId,
      secret: appSecret,
      force_refresh: false,
    });
    if (typeof token.access_token !== 'string') throw new Error('node:http: no token');
    const url = `${baseUrl}/cgi-bin/material/batchget_material?access_token=${encodeURIComponent(token.access_token)}`;
    return { agent, post, url };
  },

  async call({ post, url }) {
    const body = await post(url, { type: 'image', offset: 0, count: 20 });
    if (body.errcode) throw new Error(`errcode ${body.errcode}`);
    return body.item.length;
  },

  async close({ agent }) {
    agent.destroy();
  },
};
