// Random values from the runtime's CSPRNG (Web Crypto): never Math.random for anything a guess could exploit.
import { toBase64url } from "~/crypto/encoding.server";

/** `count` random bytes. */
export function randomBytes(count: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(count));
}

/** `bytes` random bytes as base64url: session, CSRF and one-time tokens, CSP nonces. */
export function randomToken(bytes: number): string {
  return toBase64url(randomBytes(bytes));
}
