// Imported first by every benchmark process that runs an SDK: no socket may leave
// 127.0.0.1. The peers hardcode https://api.weixin.qq.com; each adapter points them at the
// mock through their own options (wechat-api `endpoint`, co-wechat-api `prefix`,
// node-easywechat `http.baseURL`), and this guard makes any connection they might still try
// elsewhere fail at once instead of going out.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.createConnection passes its normalized [options, callback] pair as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const opts = first !== null && typeof first === 'object' ? first : { host: args[1] };
  const host = opts.host ?? 'localhost';
  if (opts.path === undefined && !LOOPBACK.has(host)) {
    throw new Error(`bench loopback guard: refused a connection to ${host}`);
  }
  return connect.apply(this, args);
};
