// The floor: raw axios with a keep-alive agent, one token fetched up front, no token logic.
import { Agent } from 'node:http';
import axios from 'axios';

export default {
  name: 'axios (raw keep-alive)',
  handlesTokens: false,
  setup: 'axios.create({ httpAgent: new http.Agent({ keepAlive: true }) }); token fetched once',

  async create({ baseUrl, appId, appSecret }) {
    const agent = new Agent({ keepAlive: true });
    const http = axios.create({ httpAgent: agent, timeout: 10_000 });
    const res = await http.post(`${baseUrl}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: appId,
      secret: appSecret,
      force_refresh: false,
    });
    if (typeof res.data.access_token !== 'string') throw new Error('raw axios: no token');
    const url = `${baseUrl}/cgi-bin/material/batchget_material?access_token=${encodeURIComponent(res.data.access_token)}`;
    return { http, agent, url };
  },

  async call({ http, url }) {
    const res = await http.post(url, { type: 'image', offset: 0, count: 20 });
    const body = res.data;
    if (body.errcode) throw new Error(`errcode ${body.errcode}`);
    return body.item.length;
  },

  async close({ agent }) {
    agent.destroy();
  },
};
