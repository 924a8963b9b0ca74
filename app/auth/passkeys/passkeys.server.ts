// Passkeys in D1: the server's challenges (only their SHA-256 kept, 5 minutes, used once), the
// account's credentials (add, list, rename, remove) and the user handle. The WebAuthn checks
// themselves are in ceremony.server.ts; the sign-in that ends in a session is in sign-in.server.ts.
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { nameForAaguid } from "~/auth/passkeys/authenticator-names";
import {
  challengeOf,
  checkRegistration,
  parseRegistrationResponse,
  type RelyingParty,
  SUPPORTED_ALGORITHMS,
} from "~/auth/passkeys/ceremony.server";
import { config } from "~/config";
import { randomToken } from "~/crypto/random.server";
import { deleteExpiredChallenges } from "~/database/cleanup.server";
import type { Db } from "~/database/db.server";
import { schema } from "~/database/db.server";
import { readEnv } from "~/env.server";
import { PRODUCT_NAME } from "~/messages";

const { passkeys, users, webauthnChallenges } = schema;
const { challengeBytes, challengeLifetimeMs, maxPerAccount, userHandleBytes } = config.passkeys;

/** "register": adding (for a user); "authenticate": signing in (for nobody); "confirm": "Confirm it's you" (for a user). */
export type ChallengePurpose = "register" | "authenticate" | "confirm";

/**
 * The relying party: APP_ORIGIN's host is the rp id, its origin the only one accepted. Never the
 * request's Host, which an attacker's proxy chooses. Missing or malformed: throws EnvError (500, logged).
 */
export function relyingParty(env: Env): RelyingParty {
  const origin = new URL(readEnv(env, "APP_ORIGIN"));
  return { id: origin.hostname, origin: origin.origin, name: PRODUCT_NAME };
}

/** What the table keeps of a challenge: the SHA-256 (hex) of the bytes the browser signs. */
export async function challengeId(challenge: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(challenge)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A fresh challenge (base64url) and, unexecuted for the caller's batch, the statement that stores its hash. */
export async function newChallenge(db: Db, purpose: ChallengePurpose, userId: number | null, now: Date) {
  const bytes = crypto.getRandomValues(new Uint8Array(challengeBytes));
  const challenge = encodeBase64urlNoPadding(bytes);
  const store = db.insert(webauthnChallenges).values({
    id: await challengeId(bytes),
    purpose,
    userId,
    expiresAt: new Date(now.getTime() + challengeLifetimeMs),
  });
  return { challenge, store };
}

/**
 * Uses up a challenge (unexecuted): one conditional DELETE … RETURNING, so of two requests carrying
 * the same challenge exactly one gets the row. Matches only a live challenge of this purpose, made
 * for this user (registration, confirmation) or for nobody in particular (sign-in).
 */
export function consumeChallenge(db: Db, id: string, purpose: ChallengePurpose, userId: number | null, now: Date) {
  return db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.id, id),
        eq(webauthnChallenges.purpose, purpose),
        userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, userId),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning({ id: webauthnChallenges.id });
}

/** The user's passkeys as the browser is told of them (unexecuted, for a batch). */
export function passkeysOf(db: Db, userId: number) {
  return db
    .select({ id: passkeys.id, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.userId, userId));
}

/** Those passkeys as WebAuthn's credential descriptors (excluded when adding, allowed when confirming). */
export function credentialDescriptors(rows: { id: string; transports: string | null }[]) {
  return rows.map(({ id, transports }) => ({
    type: "public-key" as const,
    id,
    ...(transports ? { transports: JSON.parse(transports) as AuthenticatorTransport[] } : {}),
  }));
}

export type RegistrationUser = { id: number; email: string; firstName: string; lastName: string };

export type RegistrationOptions =
  | { ok: true; options: PublicKeyCredentialCreationOptionsJSON }
  | { ok: false; reason: "limit" };

/**
 * Options for navigator.credentials.create(), in one write batch: the user's random handle (made
 * on first use, never the email or the numeric id), the passkeys to exclude, the stored challenge.
 */
export async function registrationOptions(
  db: Db,
  rp: RelyingParty,
  user: RegistrationUser,
  now = new Date(),
): Promise<RegistrationOptions> {
  const { challenge, store } = await newChallenge(db, "register", user.id, now);
  const [[handle], existing] = await db.batch([
    db
      .update(users)
      .set({ webauthnUserId: sql`coalesce(${users.webauthnUserId}, ${randomToken(userHandleBytes)})` })
      .where(eq(users.id, user.id))
      .returning({ webauthnUserId: users.webauthnUserId }),
    passkeysOf(db, user.id),
    store,
    deleteExpiredChallenges(db, now),
  ]);
  if (!handle?.webauthnUserId) throw new Error("the signed-in user has no row");
  if (existing.length >= maxPerAccount) return { ok: false, reason: "limit" };
  return {
    ok: true,
    options: {
      rp: { id: rp.id, name: rp.name },
      user: { id: handle.webauthnUserId, name: user.email, displayName: `${user.firstName} ${user.lastName}` },
      challenge,
      pubKeyCredParams: SUPPORTED_ALGORITHMS.map((alg) => ({ type: "public-key", alg })),
      timeout: challengeLifetimeMs,
      excludeCredentials: credentialDescriptors(existing),
      authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
      attestation: "none",
    },
  };
}

export type AddedPasskey = { ok: true; name: string } | { ok: false; reason: "challenge" | "duplicate" | "limit" };

/**
 * Checks a registration response against a challenge made for this user and stores the passkey.
 * The challenge is used up first, whatever follows. The insert holds only while the account has
 * fewer than 20 passkeys, and a credential id already stored (here or on another account) is refused.
 * Throws CeremonyError for a response that fails a check.
 */
export async function addPasskey(
  db: Db,
  rp: RelyingParty,
  userId: number,
  posted: unknown,
  now = new Date(),
): Promise<AddedPasskey> {
  const response = parseRegistrationResponse(posted);
  const challenge = challengeOf(response.response.clientDataJSON, "create", rp);
  const [used] = await consumeChallenge(db, await challengeId(challenge), "register", userId, now);
  if (!used) return { ok: false, reason: "challenge" };
  const credential = await checkRegistration(response, rp);
  const name = nameForAaguid(credential.aaguid);
  const underLimit = sql`(SELECT count(*) FROM ${passkeys} WHERE ${passkeys.userId} = ${userId}) < ${maxPerAccount}`;
  const [inserted, [count]] = await db.batch([
    db
      .insert(passkeys)
      .select(
        db
          .select({
            id: sql<string>`${credential.id}`.as("id"),
            userId: users.id,
            publicKey: sql<string>`${credential.publicKey}`.as("public_key"),
            counter: sql<number>`${credential.counter}`.as("counter"),
            transports: sql<string>`${JSON.stringify(credential.transports)}`.as("transports"),
            aaguid: sql<string>`${credential.aaguid}`.as("aaguid"),
            name: sql<string>`${name}`.as("name"),
            createdAt: sql<number>`${now.getTime()}`.as("created_at"),
            lastUsedAt: sql<number | null>`NULL`.as("last_used_at"),
          })
          .from(users)
          .where(and(eq(users.id, userId), underLimit)),
      )
      .onConflictDoNothing()
      .returning({ id: passkeys.id }),
    db.select({ n: sql<number>`count(*)` }).from(passkeys).where(eq(passkeys.userId, userId)),
  ]);
  if (inserted.length > 0) return { ok: true, name };
  return { ok: false, reason: (count?.n ?? 0) >= maxPerAccount ? "limit" : "duplicate" };
}

export type PasskeyListing = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null };

/** The account's passkeys, newest first. */
export function listPasskeys(db: Db, userId: number): Promise<PasskeyListing[]> {
  return db
    .select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(desc(passkeys.createdAt), desc(passkeys.id));
}

/** Whether the user has a passkey at all ("Confirm it's you" offers one only then). */
export async function hasPasskeys(db: Db, userId: number): Promise<boolean> {
  const [row] = await db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)).limit(1);
  return row !== undefined;
}

/** Removes one of the user's own passkeys and returns its name; null when the id is not theirs (the caller answers 404). */
export async function removePasskey(db: Db, userId: number, id: string): Promise<string | null> {
  const [removed] = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning({ name: passkeys.name });
  return removed?.name ?? null;
}

/** Renames one of the user's own passkeys; false when the id is not theirs. */
export async function renamePasskey(db: Db, userId: number, id: string, name: string): Promise<boolean> {
  const renamed = await db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning({ id: passkeys.id });
  return renamed.length > 0;
}
