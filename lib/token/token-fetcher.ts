/** What a token endpoint gave back. */
export interface FetchedToken {
  token: string;
  /** WeChat's `expires_in`: the remaining lifetime in seconds (stable tokens: as low as 300). */
  expiresInSeconds: number;
}

export interface TokenFetchRequest {
  appId: string;
  appSecret: string;
  forceRefresh: boolean;
}

export interface TokenFetcher {
  readonly path: string;
  fetch(req: TokenFetchRequest): Promise<FetchedToken>;
}

export const isTokenAnswer = (b: Record<string, unknown>): boolean =>
  typeof b.access_token === 'string' && b.access_token !== '' && Number(b.expires_in) > 0;

export const toFetched = (b: Record<string, unknown>): FetchedToken => ({
  token: b.access_token as string,
  expiresInSeconds: Number(b.expires_in),
});
