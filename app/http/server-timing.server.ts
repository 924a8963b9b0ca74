// Server-Timing on pages and the healthcheck, so browser devtools and Cloudflare's logs show where
// a request's time went: D1 (round trips and time) and the whole request. Nothing finer: a separate
// password-hashing figure would tell a failed login for an unknown email from a wrong password.
import type { AppLoadContext } from "@remix-run/cloudflare";

const HEALTHCHECK_PATH = "/healthcheck/";

/** Adds the header to HTML and healthcheck responses (other responses are left as they are). */
export function withServerTiming(
  response: Response,
  request: Request,
  context: AppLoadContext,
  startedAt: number,
): Response {
  const isPage = response.headers.get("Content-Type")?.startsWith("text/html") ?? false;
  if (!isPage && new URL(request.url).pathname !== HEALTHCHECK_PATH) return response;
  const { roundTrips, ms } = context.d1Usage ?? { roundTrips: 0, ms: 0 };
  const timed = new Response(response.body, response);
  // workerd's clock moves only across I/O: the total ends at the last I/O before the headers.
  timed.headers.set(
    "Server-Timing",
    `d1;dur=${ms};desc="${roundTrips} round trip${roundTrips === 1 ? "" : "s"}", total;dur=${Date.now() - startedAt}`,
  );
  return timed;
}
