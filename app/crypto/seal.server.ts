// Sealing: a short text encrypted and authenticated (AES-256-GCM) under a server secret, so whoever
// holds the sealed value can neither read nor forge it ("Sign out" references, two-step secrets at
// rest). Each purpose derives its own key from the secret (HKDF-SHA-256), so no two uses share one.
import { fromBase64url, toBase64url } from "~/crypto/encoding.server";
import { randomBytes } from "~/crypto/random.server";

const GCM_IV_BYTES = 12;
const encoder = new TextEncoder();

async function sealingKey(secret: string, purpose: string): Promise<CryptoKey> {
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
 * `text` encrypted and authenticated under `secret` (base64url). `boundTo` is authenticated too, so
 * it must be given again to open it (a value sealed for one user opens for no other).
 */
export async function seal(secret: string, purpose: string, text: string, boundTo: string): Promise<string> {
  const iv = randomBytes(GCM_IV_BYTES);
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
        { name: "AES-GCM", iv: bytes.slice(0, GCM_IV_BYTES), additionalData: encoder.encode(boundTo) },
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
