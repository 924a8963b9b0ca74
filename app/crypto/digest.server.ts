// Hashes and MACs on Web Crypto (native in workerd): SHA-256 of a token or address, as D1 keys are
// stored, and HMAC for keyed digests (the audit log's IP, one-time codes).
import { toHex } from "~/crypto/encoding.server";

const encoder = new TextEncoder();

type Bytes = Uint8Array<ArrayBuffer>;

function bytesOf(input: string | Bytes): Bytes {
  return typeof input === "string" ? encoder.encode(input) : input;
}

/** SHA-256 of the text's UTF-8 bytes, lowercase hex: how tokens and addresses are kept in D1. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** HMAC of `message` under `key` (text is taken as its UTF-8 bytes). */
export async function hmac(
  hash: "SHA-1" | "SHA-256" | "SHA-512",
  key: string | Bytes,
  message: string | Bytes,
): Promise<Bytes> {
  const hmacKey = await crypto.subtle.importKey("raw", bytesOf(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, bytesOf(message)));
}
