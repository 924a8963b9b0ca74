// Byte encodings, written once: base64url for tokens and sealed values, unpadded standard base64 as
// PHC hash strings use it, lowercase hex for digests. The decoders never throw: anything that is not
// the encoding reads as null. They read only the one spelling the encoders write (the unused
// trailing bits zero), so no value has a second spelling that also opens it.

/** base64url without padding (RFC 4648 section 5): safe in URLs, cookies and form values. */
export function toBase64url(bytes: Uint8Array): string {
  return toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_");
}

/** The bytes of an unpadded, canonical base64url string, or null when it is not one. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  return decodeCanonical(text.replaceAll("-", "+").replaceAll("_", "/"));
}

/** Standard base64 without padding, as PHC strings (argon2) carry salts and hashes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, "");
}

/** The bytes of unpadded, canonical standard base64 (as the argon2 reference library requires), or null. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*$/.test(text)) return null;
  return decodeCanonical(text);
}

/** Lowercase hex, two digits a byte. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Unpadded standard base64 decoded, when it is exactly what `toBase64` writes for its bytes. */
function decodeCanonical(text: string): Uint8Array<ArrayBuffer> | null {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return null; // an impossible length
  }
  return toBase64(bytes) === text ? bytes : null;
}
