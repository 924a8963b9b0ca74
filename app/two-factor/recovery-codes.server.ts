// Recovery codes: the way in when the authenticator app is lost. Ten at a time, each 80 random bits
// written as 16 base32 characters in groups of four ("k3mq-7xw2-…"), stored only as SHA-256 hashes
// (80 random bits need no slow hash: nobody can search that space), each usable once.
import { sha256Hex } from "~/crypto/digest.server";
import { toBase32 } from "~/two-factor/totp.server";

export const RECOVERY_CODE_COUNT = 10;
/** 10 bytes = 80 bits, the product's floor, and exactly 16 base32 characters. */
const RECOVERY_CODE_BYTES = 10;
const RECOVERY_CODE_CHARACTERS = 16;

/** Ten new codes as shown to the user, lowercase in groups of four. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    toBase32(crypto.getRandomValues(new Uint8Array(RECOVERY_CODE_BYTES)))
      .toLowerCase()
      .replace(/(.{4})(?!$)/g, "$1-"),
  );
}

/**
 * A typed code in the one form its hash is taken of (dashes, spaces and case don't matter), or null
 * when it can't be one of ours.
 */
export function normaliseRecoveryCode(typed: string): string | null {
  const clean = typed.replace(/[\s-]/g, "").toLowerCase();
  return new RegExp(`^[a-z2-7]{${RECOVERY_CODE_CHARACTERS}}$`).test(clean) ? clean : null;
}

/** What `recovery_codes.code_hash` holds for a code (as shown or as typed). */
export function recoveryCodeHash(code: string): Promise<string> {
  return sha256Hex(normaliseRecoveryCode(code) ?? "");
}
