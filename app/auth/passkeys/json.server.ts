// The passkey resource routes answer the page's script in JSON, never with an HTML page. What the
// shared guards throw (a 303 to the login or confirmation page, a 403 for a bad CSRF token, a 400
// for a body that is no form) is turned into JSON the script acts on: `redirect` or `error`.
import type { AppLoadContext } from "@remix-run/cloudflare";
import * as z from "zod/v4-mini";
import type { SignedInUser } from "~/auth/auth.server";
import { CONFIRM_PATH, isRecentlyConfirmed } from "~/auth/confirm.server";
import { getCookieSession } from "~/auth/session-cookie.server";
import type { Flash } from "~/messages";

/** What the scripts post after a ceremony: the browser's credential as JSON (checked by ceremony.server.ts). */
export const CredentialForm = z.object({
  credential: z.string({ error: "No passkey was sent." }),
  /** Sign-in only: where to go afterwards (used when safe) and "Remember me". */
  next: z.optional(z.string()),
  remember_me: z.optional(z.string()),
});

export type PasskeyAnswer = { redirect: string } | { error: string };

export async function answerJson(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) {
      const location = thrown.headers.get("Location");
      if (!location) throw thrown;
      // The status says "not done"; the script follows `redirect`. The flash cookie goes along.
      const headers = new Headers();
      for (const cookie of thrown.headers.getSetCookie()) headers.append("Set-Cookie", cookie);
      return Response.json({ redirect: location } satisfies PasskeyAnswer, { status: 401, headers });
    }
    if (isThrownData(thrown)) {
      const message = (thrown.data as { message?: string } | null)?.message ?? "";
      return Response.json({ error: message } satisfies PasskeyAnswer, { status: thrown.init?.status ?? 400 });
    }
    throw thrown;
  }
}

/** A refused submission (submitForm's 400/403/429 `data()`) as the script's JSON: its first message. */
export function jsonRefusal(reply: unknown): Response {
  if (!isThrownData(reply)) throw new Error("not a form reply");
  const { errors } = reply.data as { errors: Record<string, string | undefined> };
  const message = errors.form ?? Object.values(errors).find(Boolean) ?? "";
  const headers = new Headers(reply.init?.headers);
  return Response.json({ error: message } satisfies PasskeyAnswer, { status: reply.init?.status ?? 400, headers });
}

/** Remix's `data()` object, as the shared form reader throws it. */
function isThrownData(value: unknown): value is { data: unknown; init?: { status?: number; headers?: HeadersInit } } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

export function jsonError(message: string, status = 400): Response {
  return Response.json({ error: message } satisfies PasskeyAnswer, { status });
}

/** Success: the script goes to `to`, where the flash is shown. */
export async function jsonRedirect(request: Request, context: AppLoadContext, to: string, flash?: Flash) {
  const { session, commit } = await getCookieSession(request, context);
  if (flash) session.flash("flash", flash);
  return Response.json({ redirect: to } satisfies PasskeyAnswer, { headers: { "Set-Cookie": await commit() } });
}

/**
 * Adding a passkey changes how the account signs in: without a confirmation in the last 10 minutes
 * the script is sent to "Confirm it's you", which brings the person back to the passkeys page (not
 * to this POST-only route, as `requireConfirmedUser`'s `next` would). Null when confirmed.
 */
export function confirmationNeeded(user: SignedInUser): Response | null {
  if (isRecentlyConfirmed(user)) return null;
  const redirect = `${CONFIRM_PATH}?${new URLSearchParams({ next: "/account/passkeys/" })}`;
  return Response.json({ redirect } satisfies PasskeyAnswer, { status: 401 });
}

/** A sign-in's 303 (completeSignIn's answer) as the script's JSON: where to go, with the new cookies. */
export function redirectAsJson(response: Response): Response {
  const location = response.headers.get("Location");
  if (!location) return response;
  const headers = new Headers();
  for (const cookie of response.headers.getSetCookie()) headers.append("Set-Cookie", cookie);
  return Response.json({ redirect: location } satisfies PasskeyAnswer, { headers });
}
