/**
 * Replaces the built-in token fetch: third-party platforms (authorizer_access_token),
 * WeChat Cloud Hosting (resolve null: the gateway adds the token), a token service you
 * already run. The library does not cache what it returns; concurrent calls for one
 * appId share one pending call; after 40001/40014/42001 it is asked once with
 * `forceRefresh: true`.
 */
export interface AccessTokenProvider {
  getAccessToken(opts: { appId?: string; forceRefresh: boolean }): Promise<string | null>;
}
