// Recovery codes: the way in when the authenticator app is lost. Ten at a time, each 80 random bits
// written as 16 base32 characters in groups of four ("k3mq-7xw2-…"), stored only as SHA-256 hashes
// (80 random bits need no slow hash: nobody can search that space), each usable once.
import { and, eq, type SQL, sql } from "drizzle-orm";
import { sha256Hex } from "~/crypto/digest.server";
import { type Db, schema } from "~/database/db.server";
import { toBase32 } from "~/two-factor/totp.server";

const { recoveryCodes, users } = schema;

const RECOVERY_CODE_COUNT = 10;
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

/** Ten new codes and the hashes D1 keeps of them. */
export async function mintRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = newRecoveryCodes();
  return { codes, hashes: await Promise.all(codes.map(recoveryCodeHash)) };
}

/**
 * Unexecuted statements for one batch: the account's codes all go and `hashes` take their place,
 * while `onlyIf` (a condition on the account's `users` row) holds; otherwise nothing changes.
 */
export function replaceRecoveryCodes(db: Db, userId: number, hashes: string[], onlyIf: SQL) {
  const account = and(eq(users.id, userId), onlyIf);
  return [
    deleteRecoveryCodes(db, userId, onlyIf),
    ...hashes.map((hash) =>
      db.insert(recoveryCodes).select(
        db
          .select({ userId: users.id, codeHash: sql<string>`${hash}`.as("code_hash") })
          .from(users)
          .where(account),
      ),
    ),
  ] as const;
}

/** Deletes every code of the account (unexecuted), while `onlyIf` (a condition on its `users` row) holds. */
export function deleteRecoveryCodes(db: Db, userId: number, onlyIf: SQL) {
  return db
    .delete(recoveryCodes)
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        sql`exists (select 1 from ${users} where ${and(eq(users.id, userId), onlyIf)})`,
      ),
    );
}

/** Uses up one code of the account (unexecuted; `onlyIf` a further condition), returning it when it was there. */
export function spendRecoveryCode(db: Db, userId: number, hash: string, onlyIf?: SQL) {
  return db
    .delete(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hash), onlyIf))
    .returning({ userId: recoveryCodes.userId });
}

/** SQL for a select from `users`: how many codes the account has left. */
export function codesLeft() {
  return sql<number>`(select count(*) from ${recoveryCodes} where ${recoveryCodes.userId} = ${users.id})`.as(
    "codes_left",
  );
}
