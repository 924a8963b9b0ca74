// The devices list's "Sign out" buttons name a session by a reference: its id sealed (AES-GCM) under
// the signing secret and bound to the user. It is never the cookie's token, says nothing about the
// id, and can be neither forged nor replayed by another account.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { seal, unseal } from "~/crypto/seal.server";
import { readEnv } from "~/env.server";

const REFERENCE_PURPOSE = "edge-auth session reference";

export function sessionReference(context: AppLoadContext, userId: number, sessionId: string): Promise<string> {
  const [secret = ""] = readEnv(context.cloudflare.env, "SESSION_SECRET");
  return seal(secret, REFERENCE_PURPOSE, sessionId, String(userId));
}

/** The session id a reference names, when this user's page was given it; null for anything else. */
export function sessionIdFromReference(
  context: AppLoadContext,
  userId: number,
  reference: string,
): Promise<string | null> {
  return unseal(readEnv(context.cloudflare.env, "SESSION_SECRET"), REFERENCE_PURPOSE, reference, String(userId));
}
