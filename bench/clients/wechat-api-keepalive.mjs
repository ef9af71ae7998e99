// wechat-api 1.x (callbacks, urllib), given a keep-alive agent through setOpts: its best case
// (urllib's default agent, `new http.Agent()`, does not keep sockets; see wechat-api.mjs).
// Pointed at the mock through its `endpoint` property.
import { Agent } from 'node:http';
import WechatAPI from 'wechat-api';

export default {
  name: 'wechat-api + keep-alive agent',
  handlesTokens: true,
  setup: 'api.endpoint = mock; api.setOpts({ agent: keep-alive, timeout: 10000 }); token in memory',

  async create({ baseUrl, appId, appSecret }) {
    const api = new WechatAPI(appId, appSecret);
    api.endpoint = baseUrl;
    const agent = new Agent({ keepAlive: true });
    api.setOpts({ agent, timeout: 10_000 });
    return { api, agent };
  },

  call({ api }) {
    return new Promise((resolve, reject) => {
      api.getMaterials('image', 0, 20, (err, data) => {
        if (err) reject(err);
        else resolve(data.item.length);
      });
    });
  },

  async close({ agent }) {
    agent.destroy();
  },
};
