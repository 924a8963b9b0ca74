// A passkey assertion (navigator.credentials.get()), wherever one is asked for: signing in from the
// login page (a challenge for nobody in particular, as the passkey itself names its account) and
// "Confirm it's you" (a challenge made for the signed-in user, answered only by their own passkeys).
// Both spend the challenge, count the check in the account's throttle bucket before the signature
// is checked, and move the signature counter on; what follows (a session, a confirmation) is theirs.
//
// D1 round trips of a check: one batch that uses up the challenge and reads the passkey with its
// account; one statement that counts the attempt; one conditional update of the counter.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import {
  CeremonyError,
  challengeOf,
  checkAssertion,
  parseAuthenticationResponse,
  type RelyingParty,
} from "~/auth/passkeys/ceremony.server";
import { jsonError } from "~/auth/passkeys/json.server";
import {
  type ChallengePurpose,
  challengeId,
  consumeChallenge,
  credentialDescriptors,
  newChallenge,
  passkeysOf,
  relyingParty,
} from "~/auth/passkeys/passkeys.server";
import { beginCheck, type ThrottleKey } from "~/auth/throttle.server";
import { config } from "~/config";
import { deleteExpiredChallenges } from "~/database/cleanup.server";
import { type Db, getDb, schema } from "~/database/db.server";
import { messages, serverMessages } from "~/messages";

const { passkeys, users } = schema;

type AssertionPurpose = Exclude<ChallengePurpose, "register">;

/**
 * Options for navigator.credentials.get(), user verification required, in one write batch. For a
 * user (`userId`), their passkeys are the only ones allowed; for nobody, none are listed and the
 * browser offers what it holds for this site.
 */
export async function assertionOptions(
  db: Db,
  rp: RelyingParty,
  purpose: AssertionPurpose,
  userId: number | null,
  now = new Date(),
) {
  const { challenge, store } = await newChallenge(db, purpose, userId, now);
  let allowed: { id: string; transports: string | null }[] = [];
  if (userId === null) await db.batch([store, deleteExpiredChallenges(db, now)]);
  else [, , allowed] = await db.batch([store, deleteExpiredChallenges(db, now), passkeysOf(db, userId)]);
  return {
    challenge,
    rpId: rp.id,
    timeout: config.passkeys.challengeLifetimeMs,
    userVerification: "required",
    allowCredentials: credentialDescriptors(allowed),
  };
}

export type AssertedPasskey = { userId: number; email: string; generation: number; throttle: ThrottleKey };

/**
 * Checks a posted assertion against a live challenge of `purpose` made for `userId` (null: for
 * nobody), by a passkey of that user (any user's, for null). Refusals come back as the script's
 * JSON: 400, or 429 while the account's throttle bucket for this browser is full.
 */
export async function verifyAssertion(
  request: Request,
  context: AppLoadContext,
  posted: string,
  purpose: AssertionPurpose,
  userId: number | null,
): Promise<{ ok: true; passkey: AssertedPasskey } | { ok: false; response: Response }> {
  const { env } = context.cloudflare;
  const rp = relyingParty(env);
  const db = getDb(context);
  const now = new Date();
  const refuse = async (message: string, ownerId?: number, status = 400) => {
    if (status === 400) await audit("passkey_refused", request, env, ownerId);
    return { ok: false as const, response: jsonError(message, status) };
  };
  let response: ReturnType<typeof parseAuthenticationResponse>;
  let challenge: Uint8Array;
  try {
    response = parseAuthenticationResponse(posted);
    challenge = challengeOf(response.response.clientDataJSON, "get", rp);
  } catch (error) {
    if (!(error instanceof CeremonyError)) throw error;
    return refuse(serverMessages.passkeyRefused);
  }
  const owned =
    userId === null ? eq(passkeys.id, response.id) : and(eq(passkeys.id, response.id), eq(passkeys.userId, userId));
  const [used, [found]] = await db.batch([
    consumeChallenge(db, await challengeId(challenge), purpose, userId, now),
    db
      // No two columns of one name: D1's batch answers rows as objects keyed by column name.
      .select({
        publicKey: passkeys.publicKey,
        counter: passkeys.counter,
        userId: passkeys.userId,
        email: users.email,
        generation: users.credentialGeneration,
        userHandle: users.webauthnUserId,
      })
      .from(passkeys)
      .innerJoin(users, eq(users.id, passkeys.userId))
      .where(owned),
  ]);
  if (used.length === 0) return refuse(serverMessages.passkeyExpired, found?.userId);
  // Unknown, removed since, or (confirming) someone else's: the same answer whoever asks.
  if (!found) return refuse(serverMessages.passkeyNotRegistered);
  const { verdict, key } = await beginCheck(request, context, found.email, found.userId);
  if (!verdict.allowed) return refuse(messages.tooManyAttempts(verdict.retryAfterMinutes), found.userId, 429);
  let counter: number;
  try {
    ({ counter } = await checkAssertion(response, found, rp));
  } catch (error) {
    if (!(error instanceof CeremonyError)) throw error;
    return refuse(serverMessages.passkeyRefused, found.userId);
  }
  // Only from the counter read above: of two checks racing with one passkey, one moves it on.
  const moved = await db
    .update(passkeys)
    .set({ counter, lastUsedAt: now })
    .where(and(eq(passkeys.id, response.id), eq(passkeys.counter, found.counter)))
    .returning({ id: passkeys.id });
  if (moved.length === 0) return refuse(serverMessages.passkeyRefused, found.userId);
  return {
    ok: true,
    passkey: { userId: found.userId, email: found.email, generation: found.generation, throttle: key },
  };
}
