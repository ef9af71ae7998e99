import { describe, expect, it } from '@jest/globals';
import {
  maskIps,
  passwordsOf,
  redactSecrets,
  redactUrlCredentials,
} from '../../../lib/shared/scrub.js';

describe('scrub', () => {
  it('masks IPv4 and IPv6 addresses, and nothing else', () => {
    expect(maskIps('invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist')).toBe(
      'invalid ip *.*.*.* ipv6 *:*, not in whitelist',
    );
    expect(maskIps('caller 2001:db8::1 rid: 6789abcd-0123')).toBe('caller *:* rid: 6789abcd-0123');
    expect(maskIps('invalid media_id')).toBe('invalid media_id');
  });

  it('redacts every occurrence of each secret, short values only when asked', () => {
    const token = 'ACCESS_TOKEN_0123456789';
    expect(redactSecrets(`a ${token} b ${token}`, [token, undefined, null])).toBe('a *** b ***');
    // Short values would mangle ordinary words: left alone by default.
    expect(redactSecrets('pass the pw', ['pw'])).toBe('pass the pw');
    expect(redactSecrets('pass the pw', ['pw'], { minLength: 1 })).toBe('pass the ***');
  });

  it('masks the credentials of every URL in a text (proxy URLs)', () => {
    expect(
      redactUrlCredentials('via http://user:p%40ss@proxy:3128 and https://tok@h/x, not a@b'),
    ).toBe('via http://***@proxy:3128 and https://***@h/x, not a@b');
    expect(redactUrlCredentials('http://proxy:3128/')).toBe('http://proxy:3128/');
  });

  it('passwordsOf gives a URL password raw and decoded, for redactSecrets', () => {
    expect(passwordsOf('redis://:p%40ss@127.0.0.1:6379')).toEqual(['p%40ss', 'p@ss']);
    expect(passwordsOf(new URL('http://user@proxy:3128'))).toEqual([]);
    expect(passwordsOf('not a url')).toEqual([]);
  });
});
