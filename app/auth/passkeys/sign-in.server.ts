// Signing in with a passkey from the login page: the options (a challenge for nobody in particular,
// as the passkey itself names its account) and the assertion's check (assertion.server.ts), which
// ends like every other sign-in in completeSignIn. A passkey with user verification is two factors:
// no code is asked.
//
// D1 round trips of a sign-in: the assertion's three (challenge spent + passkey read, throttle
// count, counter), then completeSignIn's one write batch.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { assertionOptions, verifyAssertion } from "~/auth/passkeys/assertion.server";
import type { RelyingParty } from "~/auth/passkeys/ceremony.server";
import { completeSignIn } from "~/auth/sign-in.server";
import type { Db } from "~/database/db.server";

/** Options for navigator.credentials.get(): no credential list (the browser offers the user's own), UV required. */
export function authenticationOptions(db: Db, rp: RelyingParty, now = new Date()) {
  return assertionOptions(db, rp, "authenticate", null, now);
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
  const checked = await verifyAssertion(request, context, form.credential, "authenticate", null);
  if (!checked.ok) return checked.response;
  const { userId, email, generation } = checked.passkey;
  return completeSignIn(request, context, {
    userId,
    email,
    generation,
    remember: form.remember,
    next: form.next,
    method: "passkey",
  });
}
