// RFC 6238 codes computed independently of the app, with Node's HMAC and RFC 4226's truncation
// written out again: for the workerd tests (through nodejs_compat) and the browser tests (in Node).
import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Bytes(secret: string): Buffer {
  let bits = "";
  for (const char of secret.replace(/=+$/, "").toUpperCase())
    bits += ALPHABET.indexOf(char).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 time step (30 s) that `when` falls in. */
export const stepAt = (when: number): number => Math.floor(when / 30_000);

/** The 6-digit code of `secret` (base32) at `when`, `offset` steps of 30 s away. */
export function codeFor(secret: string, offset = 0, when = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(stepAt(when) + offset));
  const mac = createHmac("sha1", base32Bytes(secret)).update(counter).digest();
  const at = (mac.at(-1) ?? 0) & 0xf;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
