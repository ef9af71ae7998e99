import { randomBytes } from 'node:crypto';

/** errmsg texts as WeChat writes them (a rid suffix is added when answering). */
export const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40009: 'invalid image size',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40114: 'invalid index value',
  40125: 'invalid appsecret',
  // The real text echoes the caller's IP: the library must mask it.
  40164: 'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist',
  40243: 'AppSecret已被冻结，请登录MP解冻后再次调用。',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  44002: 'empty post data',
  45001: 'media size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  45103: 'This API has been unsupported',
  47001: 'data format error',
  48001: 'api unauthorized',
  50001: 'user unauthorized',
  50002: 'user limited',
  53600: 'Article ID 无效',
  76021: 'cgi_path not found, please check',
  76022: 'could not use this cgi_path，no permission',
  89501: '此IP正在等待管理员确认,请联系管理员 ip: 1.2.3.4',
  89503: '此IP调用需要管理员确认,请联系管理员 ip: 1.2.3.4',
};

/** Gateway pages: nginx in front of api.weixin.qq.com answers these, not the API. */
export const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const NGINX_504 =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n' +
  '<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const NGINX_413 =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n' +
  '<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const HTML_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微信公众平台</title></head>' +
  '<body><div class="page_msg"><h4>系统繁忙，请稍后再试</h4></div></body></html>';

/** WeChat's rid: `<unix time hex>-<8 hex>-<8 hex>`. */
export function makeRid(): string {
  const time = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  const rest = randomBytes(8).toString('hex');
  return `${time}-${rest.slice(0, 8)}-${rest.slice(8)}`;
}
