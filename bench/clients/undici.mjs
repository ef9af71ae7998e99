// The floor for a Node client: undici's request() on a keep-alive Agent, body.json(), one
// token fetched up front, no token logic, no retries, no deadline.
import { Agent, request } from 'undici';

export default {
  name: 'undici (raw keep-alive)',
  handlesTokens: false,
  setup: 'undici.request with new Agent() (keep-alive); token fetched once',

  async create({ baseUrl, appId, appSecret }) {
    const dispatcher = new Agent();
    const post = async (url, body) => {
      const res = await request(url, {
        dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return res.body.json();
    };
    const token = await post(`${baseUrl}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: appId,
      secret: appSecret,
      force_refresh: false,
    });
    if (typeof token.access_token !== 'string') throw new Error('raw undici: no token');
    const url = `${baseUrl}/cgi-bin/material/batchget_material?access_token=${encodeURIComponent(token.access_token)}`;
    return { dispatcher, post, url };
  },

  async call({ post, url }) {
    const body = await post(url, { type: 'image', offset: 0, count: 20 });
    if (body.errcode) throw new Error(`errcode ${body.errcode}`);
    return body.item.length;
  },

  async close({ dispatcher }) {
    await dispatcher.destroy();
  },
};
