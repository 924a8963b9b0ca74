// The per-IP limit on login, register and password-reset POSTs, by the Workers rate-limiting binding, and the
// 429 answer both forms give when a limit (per IP, or per account) holds.
import { data, type HeadersFunction } from "@remix-run/cloudflare";
import { audit } from "~/auth/audit.server";
import { config } from "~/config";
import { messages } from "~/messages";
import type { FieldErrors } from "~/validation";

/** True when this client may post; false (and an audit event) when it is over the limit. */
export async function withinIpRateLimit(request: Request, env: Env): Promise<boolean> {
  if (env.RATE_LIMITS === "off") return true;
  // Cloudflare sets CF-Connecting-IP and a client can't override it; nothing else is trusted.
  const ip = request.headers.get("CF-Connecting-IP") ?? "unknown";
  const { success } = await env.AUTH_RATE_LIMITER.limit({ key: `auth:${ip}` });
  if (!success) await audit("rate_limited", request, env);
  return success;
}

/** A 429 that shows the form again, with what was typed and when to retry. */
export function tooManyRequests<Values>(
  values: Values,
  message: string = messages.rateLimited,
  retryAfterSeconds: number = config.ipRateLimit.periodSeconds,
) {
  const errors: FieldErrors = { form: message };
  return data({ errors, values }, { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } });
}

/** Route `headers` export: a document response keeps the action's Retry-After (Remix passes only cookies on its own). */
export const keepRetryAfter: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
