// Small crypto helpers on Web Crypto, which workerd provides natively.

/** `bytes` random bytes as base64url. */
export function randomToken(bytes: number): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The bytes of a base64url string, or null when it is not one. */
function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

const GCM_IV_BYTES = 12;

/** An AES-256-GCM key derived (HKDF-SHA-256) from a secret for one purpose, so no two uses share a key. */
async function sealingKey(secret: string, purpose: string): Promise<CryptoKey> {
  const encoder = new TextEncoder();
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(purpose) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/**
 * `text` encrypted and authenticated under `secret` (base64url): opaque to whoever holds it, and
 * impossible to forge. `boundTo` is authenticated too, so it must be given again to open it.
 */
export async function seal(secret: string, purpose: string, text: string, boundTo: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(GCM_IV_BYTES));
  const encoder = new TextEncoder();
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(boundTo) },
    await sealingKey(secret, purpose),
    encoder.encode(text),
  );
  return toBase64url(new Uint8Array([...iv, ...new Uint8Array(sealed)]));
}

/** The text `seal` was given, when one of `secrets` sealed it for this purpose and `boundTo`; otherwise null. */
export async function unseal(
  secrets: string[],
  purpose: string,
  sealed: string,
  boundTo: string,
): Promise<string | null> {
  const bytes = fromBase64url(sealed);
  if (!bytes || bytes.length <= GCM_IV_BYTES) return null;
  for (const secret of secrets) {
    try {
      const opened = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.slice(0, GCM_IV_BYTES), additionalData: new TextEncoder().encode(boundTo) },
        await sealingKey(secret, purpose),
        bytes.slice(GCM_IV_BYTES),
      );
      return new TextDecoder().decode(opened);
    } catch {
      // Not this secret (or tampered with): try the next.
    }
  }
  return null;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares two secrets in time that depends only on their length. */
export function secretsEqual(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  // workerd has a native constant-time comparison; the Vite dev server (Node) does not.
  if (typeof crypto.subtle.timingSafeEqual === "function") return crypto.subtle.timingSafeEqual(left, right);
  let difference = 0;
  for (let i = 0; i < left.byteLength; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}
