// Comparing secrets (CSRF tokens, digests, one-time codes) without leaking, through the time taken,
// how much of a guess was right.

const encoder = new TextEncoder();

/** True when two secrets are equal, in time that depends only on their length. */
export function secretsEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  // workerd has a native constant-time comparison; the Vite dev server (Node) does not.
  if (typeof crypto.subtle.timingSafeEqual === "function") return crypto.subtle.timingSafeEqual(left, right);
  let difference = 0;
  for (let i = 0; i < left.byteLength; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}
