/** Credentials the fake knows; the secret is long and distinctive so leak checks mean something. */
export const APP_ID = 'wx_unit_app';
export const APP_SECRET = 'unit_secret_9f8e7d6c5b4a3210';
export const OTHER_APP_ID = 'wx_other_app';
export const OTHER_APP_SECRET = 'other_secret_0a1b2c3d4e5f6789';

export const FAKE_ACCOUNTS: Record<string, string> = {
  [APP_ID]: APP_SECRET,
  [OTHER_APP_ID]: OTHER_APP_SECRET,
};

/**
 * The WeChat paths, written out here (not imported from lib/) so that a wrong path in the
 * library fails the tests. The one table for every test: add new endpoints here.
 */
export const PATHS = {
  batchGet: '/cgi-bin/material/batchget_material',
  count: '/cgi-bin/material/get_materialcount',
  stableToken: '/cgi-bin/stable_token',
  classicToken: '/cgi-bin/token',
  quota: '/cgi-bin/openapi/quota/get',
  addMaterial: '/cgi-bin/material/add_material',
  getMaterial: '/cgi-bin/material/get_material',
  delMaterial: '/cgi-bin/material/del_material',
  uploadImg: '/cgi-bin/media/uploadimg',
  mediaUpload: '/cgi-bin/media/upload',
  mediaGet: '/cgi-bin/media/get',
  draftAdd: '/cgi-bin/draft/add',
  draftGet: '/cgi-bin/draft/get',
  draftUpdate: '/cgi-bin/draft/update',
  draftDelete: '/cgi-bin/draft/delete',
  draftCount: '/cgi-bin/draft/count',
  draftBatchGet: '/cgi-bin/draft/batchget',
  publishSubmit: '/cgi-bin/freepublish/submit',
  publishGet: '/cgi-bin/freepublish/get',
  publishDelete: '/cgi-bin/freepublish/delete',
  publishGetArticle: '/cgi-bin/freepublish/getarticle',
  publishBatchGet: '/cgi-bin/freepublish/batchget',
} as const;
