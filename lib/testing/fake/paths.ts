/** The WeChat paths the fake serves (pathnames, without the query). */
export const TOKEN_PATH = '/cgi-bin/token';
export const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';
export const BATCHGET_PATH = '/cgi-bin/material/batchget_material';
export const COUNT_PATH = '/cgi-bin/material/get_materialcount';
export const QUOTA_PATH = '/cgi-bin/openapi/quota/get';

export function isTokenPath(path: string): boolean {
  return path === TOKEN_PATH || path === STABLE_TOKEN_PATH;
}
