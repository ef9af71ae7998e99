export { FakeWechatServer } from './fake-wechat-server.js';
export type { FakeFault, FakeWechatServerOptions } from './fake-wechat-server.js';
