// The per-IP limit on the POSTs that check a password or send an email, by the Workers
// rate-limiting binding (routes ask for it through submitForm's `ipLimit`), and the route `headers`
// that keep a 429's Retry-After on the page.
import type { HeadersFunction } from "@remix-run/cloudflare";
import { audit } from "~/auth/audit.server";

/** True when this client may post; false (and an audit event) when it is over the limit. */
export async function withinIpRateLimit(request: Request, env: Env): Promise<boolean> {
  if (env.RATE_LIMITS === "off") return true;
  // Cloudflare sets CF-Connecting-IP and a client can't override it; nothing else is trusted.
  const ip = request.headers.get("CF-Connecting-IP") ?? "unknown";
  const { success } = await env.AUTH_RATE_LIMITER.limit({ key: `auth:${ip}` });
  if (!success) await audit("rate_limited", request, env);
  return success;
}

/** Route `headers` export: a document response keeps the action's Retry-After (Remix passes only cookies on its own). */
export const keepRetryAfter: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
