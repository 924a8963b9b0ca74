// Signing in with a passkey from the login page: the options (a challenge for nobody in particular,
// as the passkey itself names its account) and the assertion's check, which ends like every other
// sign-in in completeSignIn. A passkey with user verification is two factors: no code is asked.
//
// D1 round trips of a sign-in: one batch that uses up the challenge and reads the passkey with its
// account; one statement that counts the attempt in the account's throttle bucket (before the
// signature is checked); one conditional update of the counter; completeSignIn's one write batch.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import {
  type AuthenticationResponseJSON,
  CeremonyError,
  challengeOf,
  checkAssertion,
  parseAuthenticationResponse,
  type RelyingParty,
} from "~/auth/passkeys/ceremony.server";
import { jsonError } from "~/auth/passkeys/json.server";
import {
  challengeId,
  consumeChallenge,
  deleteExpiredChallenges,
  newChallenge,
  relyingParty,
} from "~/auth/passkeys/passkeys.server";
import { completeSignIn } from "~/auth/sign-in.server";
import { beginCheck } from "~/auth/throttle.server";
import { config } from "~/config";
import { type Db, getDb, schema } from "~/database/db.server";
import { messages, serverMessages } from "~/messages";

const { passkeys, users } = schema;

/** Options for navigator.credentials.get(): no credential list (the browser offers the user's own), UV required. */
export async function authenticationOptions(db: Db, rp: RelyingParty, now = new Date()) {
  const { challenge, store } = await newChallenge(db, "authenticate", null, now);
  await db.batch([store, deleteExpiredChallenges(db, now)]);
  return {
    challenge,
    rpId: rp.id,
    timeout: config.passkeys.challengeLifetimeMs,
    userVerification: "required",
    allowCredentials: [],
  };
}

/**
 * Checks a posted assertion and, when it holds, opens the session (completeSignIn's 303, which the
 * route turns into JSON for the script). Refusals are JSON errors: 400, or 429 while the account's
 * throttle bucket for this browser is full.
 */
export async function signInWithPasskey(
  request: Request,
  context: AppLoadContext,
  form: { credential: string; next: unknown; remember: boolean },
): Promise<Response> {
  const { env } = context.cloudflare;
  const rp = relyingParty(env);
  const db = getDb(context);
  const now = new Date();
  let response: AuthenticationResponseJSON;
  let challenge: Uint8Array;
  try {
    response = parseAuthenticationResponse(form.credential);
    challenge = challengeOf(response.response.clientDataJSON, "get", rp);
  } catch (error) {
    if (!(error instanceof CeremonyError)) throw error;
    await audit("passkey_refused", request, env);
    return jsonError(serverMessages.passkeyRefused);
  }
  const [used, [found]] = await db.batch([
    consumeChallenge(db, await challengeId(challenge), "authenticate", null, now),
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
      .where(eq(passkeys.id, response.id)),
  ]);
  if (used.length === 0) {
    await audit("passkey_refused", request, env, found?.userId);
    return jsonError(serverMessages.passkeyExpired);
  }
  // Unknown, or removed since: the same answer whoever asks (a credential id names no one).
  if (!found) {
    await audit("passkey_refused", request, env);
    return jsonError(serverMessages.passkeyNotRegistered);
  }
  const { verdict } = await beginCheck(request, context, found.email, found.userId);
  if (!verdict.allowed) return jsonError(messages.tooManyAttempts(verdict.retryAfterMinutes), 429);
  let counter: number;
  try {
    ({ counter } = await checkAssertion(response, found, rp));
  } catch (error) {
    if (!(error instanceof CeremonyError)) throw error;
    await audit("passkey_refused", request, env, found.userId);
    return jsonError(serverMessages.passkeyRefused);
  }
  // Only from the counter read above: of two sign-ins racing with one passkey, one moves it on.
  const moved = await db
    .update(passkeys)
    .set({ counter, lastUsedAt: now })
    .where(and(eq(passkeys.id, response.id), eq(passkeys.counter, found.counter)))
    .returning({ id: passkeys.id });
  if (moved.length === 0) {
    await audit("passkey_refused", request, env, found.userId);
    return jsonError(serverMessages.passkeyRefused);
  }
  return completeSignIn(request, context, {
    userId: found.userId,
    email: found.email,
    generation: found.generation,
    remember: form.remember,
    next: form.next,
    method: "passkey",
  });
}
