// Reading and forging `__session` cookies with Remix's own cookie code and the test secrets.

import { env } from "cloudflare:workers";
import { createHash } from "node:crypto";
import { createCookie } from "@remix-run/cloudflare";
import { type SetCookie, setCookieOf } from "../../harness/http-client";

export const SESSION_COOKIE = "__session";

export const [CURRENT_SECRET = "", PREVIOUS_SECRET = ""] = (env.SESSION_SECRET ?? "").split(",");

/** The `__session` Set-Cookie line of a response, parsed (harness/http-client.ts's one parser). */
export function sessionSetCookie(response: Response): SetCookie | null {
  return setCookieOf(response, SESSION_COOKIE);
}

export type SessionCookieData = {
  token?: string;
  csrf?: string;
  rememberUntil?: number;
  bookmark?: unknown;
  [key: string]: unknown;
};

/** The data inside a signed cookie value, or null when no secret verifies it. */
export async function readSessionCookie(
  value: string,
  secrets: string[] = [CURRENT_SECRET, PREVIOUS_SECRET],
): Promise<SessionCookieData | null> {
  const cookie = createCookie(SESSION_COOKIE, { secrets });
  return (await cookie.parse(`${SESSION_COOKIE}=${value}`)) as SessionCookieData | null;
}

/** A cookie value holding `data`, signed with `secret` (as Remix's cookie session storage writes it). */
export async function signSessionCookie(data: SessionCookieData, secret: string): Promise<string> {
  const header = await createCookie(SESSION_COOKIE, { secrets: [secret] }).serialize(data);
  return header.slice(SESSION_COOKIE.length + 1).split(";")[0] ?? "";
}

/** SHA-256 hex, computed independently of the app (node:crypto here, Web Crypto in the app). */
export function sha256HexIndependent(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
