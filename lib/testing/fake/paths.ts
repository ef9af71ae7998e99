/** The WeChat paths the fake serves (pathnames, without the query). */
export const TOKEN_PATH = '/cgi-bin/token';
export const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';
export const BATCHGET_PATH = '/cgi-bin/material/batchget_material';
export const COUNT_PATH = '/cgi-bin/material/get_materialcount';
export const QUOTA_PATH = '/cgi-bin/openapi/quota/get';

export function isTokenPath(path: string): boolean {
  return path === TOKEN_PATH || path === STABLE_TOKEN_PATH;
}

export const ADD_MATERIAL_PATH = '/cgi-bin/material/add_material';
export const GET_MATERIAL_PATH = '/cgi-bin/material/get_material';
export const DEL_MATERIAL_PATH = '/cgi-bin/material/del_material';
export const UPLOADIMG_PATH = '/cgi-bin/media/uploadimg';
export const MEDIA_UPLOAD_PATH = '/cgi-bin/media/upload';
export const MEDIA_GET_PATH = '/cgi-bin/media/get';
/** Where the fake serves video bytes itself (get_material's down_url, media/get's video_url). */
export const VIDEO_DOWNLOAD_PATH = '/fake-cdn/video.mp4';

/** The draft box (草稿箱). */
export const DRAFT_PATHS = {
  add: '/cgi-bin/draft/add',
  get: '/cgi-bin/draft/get',
  update: '/cgi-bin/draft/update',
  delete: '/cgi-bin/draft/delete',
  count: '/cgi-bin/draft/count',
  batchGet: '/cgi-bin/draft/batchget',
} as const;

/** Publishing (发布能力). */
export const PUBLISH_PATHS = {
  submit: '/cgi-bin/freepublish/submit',
  get: '/cgi-bin/freepublish/get',
  delete: '/cgi-bin/freepublish/delete',
  getArticle: '/cgi-bin/freepublish/getarticle',
  batchGet: '/cgi-bin/freepublish/batchget',
} as const;
