// wechat-api 1.x (callbacks, urllib) as shipped: urllib's default agent (`new http.Agent()`,
// no keep-alive on Node 20: a new connection per call). Pointed at the mock through its
// `endpoint` property.
import WechatAPI from 'wechat-api';

export default {
  name: 'wechat-api (as shipped)',
  handlesTokens: true,
  setup: 'api.endpoint = mock; urllib defaults (no keep-alive); token in memory',

  async create({ baseUrl, appId, appSecret }) {
    const api = new WechatAPI(appId, appSecret);
    api.endpoint = baseUrl;
    return { api };
  },

  call({ api }) {
    return new Promise((resolve, reject) => {
      api.getMaterials('image', 0, 20, (err, data) => {
        if (err) reject(err);
        else resolve(data.item.length);
      });
    });
  },

  async close() {},
};
