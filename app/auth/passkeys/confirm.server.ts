// "Confirm it's you" with a passkey: an assertion, user verification required, by one of the
// signed-in user's own passkeys against a challenge made for them (assertion.server.ts). A passkey
// with user verification is two factors, so it stands for the password and the code at once.
import type { AppLoadContext } from "@remix-run/cloudflare";
import type { SignedInUser } from "~/auth/auth.server";
import { markConfirmed } from "~/auth/confirm.server";
import { assertionOptions, verifyAssertion } from "~/auth/passkeys/assertion.server";
import { relyingParty } from "~/auth/passkeys/passkeys.server";
import { getDb } from "~/database/db.server";

/** Options for navigator.credentials.get() that only the user's own passkeys can answer. */
export function confirmationOptions(context: AppLoadContext, user: SignedInUser) {
  return assertionOptions(getDb(context), relyingParty(context.cloudflare.env), "confirm", user.id);
}

/**
 * Confirms this session when the assertion holds. Null on success; otherwise the refusal as the
 * script's JSON. D1: the assertion's three round trips, then markConfirmed's one write batch.
 */
export async function confirmWithPasskey(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  credential: string,
): Promise<Response | null> {
  const checked = await verifyAssertion(request, context, credential, "confirm", user.id);
  if (!checked.ok) return checked.response;
  await markConfirmed(request, context, user, checked.passkey.throttle);
  return null;
}
