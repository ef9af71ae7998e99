// node-easywechat 3.x (axios). Pointed at the mock through `http.baseURL`. Its default cache
// is a file per token read synchronously on every call (and named after the secret); the
// bench gives it an in-memory cache instead, its best case. Sockets: Node 20's global agent,
// which keeps them alive (an agent in `http` would be deep-cloned by its config merge).
import { OfficialAccount } from 'node-easywechat';

class MemoryCache {
  constructor() {
    this.map = new Map();
  }
  async get(key) {
    const e = this.map.get(key);
    if (!e) return null;
    if (e.until && e.until < Date.now()) {
      this.map.delete(key);
      return null;
    }
    return e.data;
  }
  async has(key) {
    return (await this.get(key)) !== null;
  }
  async set(key, data, lifetime) {
    this.map.set(key, { data, until: lifetime ? Date.now() + lifetime * 1000 : 0 });
    return true;
  }
  async delete(key) {
    return this.map.delete(key);
  }
}

export default {
  name: 'node-easywechat',
  handlesTokens: true,
  setup: 'http: { baseURL: mock, timeout: 10000 }; in-memory cache via setCache()',

  async create({ baseUrl, appId, appSecret }) {
    const app = new OfficialAccount({
      app_id: appId,
      secret: appSecret,
      http: { baseURL: `${baseUrl}/`, timeout: 10_000 },
    });
    app.setCache(new MemoryCache());
    return { client: app.getClient() };
  },

  async call({ client }) {
    const res = await client.postJson('cgi-bin/material/batchget_material', {
      type: 'image',
      offset: 0,
      count: 20,
    });
    const body = res.toObject();
    if (body.errcode) throw new Error(`errcode ${body.errcode}`);
    return body.item.length;
  },

  async close() {},
};
