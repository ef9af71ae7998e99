export { FakeWechatServer } from './fake/server.js';
export type { FakeFault, FakeWechatServerOptions } from './fake/server.js';
