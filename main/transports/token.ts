import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 24 random bytes: 32 base64url characters, safe in a URL fragment, a header and a query string. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/** A token given by the caller (not generated) must be long and URL-safe enough to be one. */
export function assertValidToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
    throw new TypeError('token must be 16 to 256 characters of A-Z, a-z, 0-9, "-" and "_"');
  }
}

/**
 * Compares in constant time. Both sides are hashed first so that timingSafeEqual gets equal lengths and the
 * comparison reveals neither the token's characters nor its length.
 */
export function tokensEqual(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}
