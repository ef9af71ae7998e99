/**
 * API.md, "WechatExceptionFilter": errcode → HTTP status, written out here on purpose (not
 * imported from lib/) so that a wrong entry in the library's table fails the tests.
 */
export const ERRCODE_STATUS_ROWS: readonly [errcode: number, status: number][] = [
  [-1, 503],
  [40001, 502],
  [40014, 502],
  [42001, 502],
  [40002, 500],
  [41001, 500],
  [43002, 500],
  [44002, 500],
  [47001, 500],
  [61024, 500],
  [40004, 400],
  [40007, 404],
  [40013, 502],
  [40125, 502],
  [40243, 502],
  [40164, 502],
  [45009, 429],
  [45011, 429],
  [48001, 403],
  [50001, 403],
  [50002, 403],
  [45103, 410],
  [45106, 410],
  [89501, 503],
  [89503, 503],
  [41002, 502], // token endpoint: appid missing (no row of its own in API.md: "any other")
  // uploads: file type / size
  [40005, 400],
  [40006, 400],
  [40009, 400],
  [40113, 400],
  [41005, 400],
  [45001, 400],
  // drafts: field too long / bad content, bad index, bad product card, comments
  [40062, 400],
  [45002, 400],
  [45003, 400],
  [45004, 400],
  [45166, 400],
  [40114, 400],
  [53404, 400],
  [53405, 400],
  [53406, 400],
  [88000, 403],
  // publishing
  [53503, 422],
  [53504, 409],
  [53505, 409],
  [53600, 404],
  // quota/get
  [76021, 400],
  [76022, 400],
  [76003, 502],
  [40003, 502], // any other
  [99999, 502], // any other
];
