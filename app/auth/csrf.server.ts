// CSRF: a random token lives in the signed `__session` cookie and is echoed by every form.
// A POST is accepted only when the two match, so it is bound to this browser's own cookie.
// (Cross-site POSTs, by Sec-Fetch-Site or Origin, are already refused by the request guard.)
import { type AppLoadContext, data } from "@remix-run/cloudflare";
import { audit } from "~/auth/audit.server";
import { type CookieSession, getCookieSession } from "~/auth/session-cookie.server";
import { config } from "~/config";
import { secretsEqual } from "~/crypto/constant-time.server";
import { randomToken } from "~/crypto/random.server";
import { messages } from "~/messages";

/** The form field that carries the token (remix-utils' AuthenticityTokenInput default). */
const CSRF_FIELD = "csrf";

/** The session's CSRF token, minted when missing. `created` tells the caller to commit the cookie. */
export function ensureCsrfToken(session: CookieSession): { token: string; created: boolean } {
  const existing = session.get("csrf");
  if (existing) return { token: existing, created: false };
  const token = randomToken(config.csrfTokenBytes);
  session.set("csrf", token);
  return { token, created: true };
}

/** Throws a 403 unless the form carries this browser's token. */
export async function requireCsrf(request: Request, context: AppLoadContext, form: FormData): Promise<void> {
  const { session } = await getCookieSession(request, context);
  const expected = session.get("csrf");
  const sent = form.get(CSRF_FIELD);
  const valid = typeof expected === "string" && typeof sent === "string" && secretsEqual(sent, expected);
  if (!valid) {
    await audit("csrf_rejected", request, context.cloudflare.env);
    throw data({ message: messages.csrfRejected }, { status: 403 });
  }
}
