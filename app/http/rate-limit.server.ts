// The per-IP limit on the POSTs that check a password or send an email, by the Workers
// rate-limiting binding (routes ask for it through submitForm's `ipLimit`), and the route `headers`
// that keep a 429's Retry-After on the page.
import type { HeadersFunction } from "@remix-run/cloudflare";
import { audit } from "~/auth/audit.server";

/** True when this client may post; false (and an audit event) when it is over the limit. */
export async function withinIpRateLimit(request: Request, env: Env): Promise<boolean> {
  if (env.RATE_LIMITS === "off") return true;
  // Cloudflare sets CF-Connecting-IP and a client can't override it; nothing else is trusted.
  const client = clientNetwork(request.headers.get("CF-Connecting-IP") ?? "unknown");
  const { success } = await env.AUTH_RATE_LIMITER.limit({ key: `auth:${client}` });
  if (!success) await audit("rate_limited", request, env);
  return success;
}

/**
 * What one client is, for the limit: an IPv4 address; for IPv6, its /64 network, since one
 * subscriber commonly gets a whole /64 and could otherwise take a fresh allowance per address.
 * Anything that is no IPv6 address is used as it is.
 */
export function clientNetwork(ip: string): string {
  const groups = ipv6Groups(ip);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : ip;
}

/** The eight 16-bit groups of an IPv6 address (lowercase, no leading zeros), or null when it is not one. */
function ipv6Groups(ip: string): string[] | null {
  if (!ip.includes(":")) return null;
  let text = ip.toLowerCase().replace(/%.*$/, "");
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const v4 = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(2).map(Number);
    if (octets.some((octet) => octet > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${v4[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => Number.parseInt(group, 16).toString(16));
}

/** Route `headers` export: a document response keeps the action's Retry-After (Remix passes only cookies on its own). */
export const keepRetryAfter: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
