// co-wechat-api 3.x (async/await, httpx with its own keep-alive agent). Pointed at the mock
// through its `prefix` property.
import WechatAPI from 'co-wechat-api';

export default {
  name: 'co-wechat-api',
  handlesTokens: true,
  setup: 'api.prefix = mock + /cgi-bin/ (its default set-up otherwise); token in memory',

  async create({ baseUrl, appId, appSecret }) {
    const api = new WechatAPI(appId, appSecret);
    api.prefix = `${baseUrl}/cgi-bin/`;
    return { api };
  },

  async call({ api }) {
    const data = await api.getMaterials('image', 0, 20);
    return data.item.length;
  },

  async close() {},
};
