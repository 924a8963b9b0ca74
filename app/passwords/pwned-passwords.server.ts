// Has a password appeared in a data breach? Asked of the Pwned Passwords range API with k-anonymity:
// only the first 5 hex digits of the password's SHA-1 leave the worker; the service answers every
// suffix it knows under that prefix (padded with zero-count decoys, `Add-Padding: true`, so the
// answer's size says nothing either) and the match is made here. The answer for a prefix is the same
// for everyone, so the edge cache keeps it a day. A service that has not answered within a second,
// or answers with an error, is given up: the password passes and the event is logged (a third
// party's outage must not stop registrations). Unset PWNED_PASSWORDS_URL: the check is off.
import { config } from "~/config";
import { toHex } from "~/crypto/encoding.server";
import { readEnv } from "~/env.server";
import { describeError, log } from "~/log.server";

const { timeoutMs, cacheSeconds } = config.pwnedPasswords;

/** True when the range API lists the password with a count above 0; false when it does not, or cannot say in time. */
export async function isBreachedPassword(password: string, env: Env): Promise<boolean> {
  const base = readEnv(env, "PWNED_PASSWORDS_URL");
  if (!base) return false;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(password)));
  const sha1 = toHex(digest).toUpperCase();
  const prefix = sha1.slice(0, 5);
  const range = await rangeAnswer(`${base}${prefix}`);
  return range !== null && listsWithCount(range, sha1.slice(5));
}

/** The range's `SUFFIX:COUNT` lines from the edge cache or the service; null (logged) when the service fails or is slow. */
async function rangeAnswer(url: string): Promise<string | null> {
  const cache = caches.default;
  const cached = await cache.match(url);
  if (cached) return cached.text();
  try {
    // The timeout covers the body too: a service that stalls mid-answer is given up as well.
    const response = await fetch(url, { headers: { "Add-Padding": "true" }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      log("error", "pwned_passwords_unavailable", { status: response.status });
      return null;
    }
    const text = await response.text();
    await cache.put(
      url,
      new Response(text, { headers: { "Content-Type": "text/plain", "Cache-Control": `max-age=${cacheSeconds}` } }),
    );
    return text;
  } catch (error) {
    log("error", "pwned_passwords_unavailable", { error: describeError(error) });
    return null;
  }
}

function listsWithCount(range: string, suffix: string): boolean {
  for (const line of range.split("\n")) {
    const [lineSuffix, count] = line.trim().split(":");
    // Padding lines carry a count of 0: decoys, not breaches.
    if (lineSuffix?.toUpperCase() === suffix) return Number(count) > 0;
  }
  return false;
}
