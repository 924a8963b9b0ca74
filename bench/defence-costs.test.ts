// `npm run bench:defences`: what each abuse defence adds to a login request, measured inside workerd
// (the same pool as the tests, so the real rate-limit binding and local D1). Prints figures, asserts
// nothing. workerd's clock only moves across I/O, so each loop ends with a request and is averaged.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { audit } from "~/auth/audit.server";
import { countCheck, throttleKey } from "~/auth/throttle.server";
import { getDbOutsideRequest } from "~/database/db.server";
import { guardRequest } from "~/http/request-guard.server";
import { withSecurityHeaders } from "~/http/security-headers.server";

const ROUNDS = 300;

async function report(label: string, run: (i: number) => Promise<unknown>) {
  await run(-1);
  const start = Date.now();
  for (let i = 0; i < ROUNDS; i++) await run(i);
  await SELF.fetch("http://localhost/healthcheck/").then((response) => response.arrayBuffer());
  console.info(`${label}: ${((Date.now() - start) / ROUNDS).toFixed(3)} ms`);
}

it("prints the cost of each defence on a login request", async () => {
  const request = new Request("http://localhost/login/", { headers: { "CF-Connecting-IP": "2001:db8::1" } });
  const form = new URLSearchParams({ csrf: "x".repeat(43), email: "a@example.com", password: "p".repeat(20) });
  const page = await (await SELF.fetch("http://localhost/login/")).text();
  const db = getDbOutsideRequest(env);

  await report("per-IP rate limit (binding call)", (i) => env.AUTH_RATE_LIMITER.limit({ key: `bench:${i}` }));
  const key = await throttleKey(request, env, "someone@example.com");
  await report("per-account throttle: key (SHA-256 of the email, the device cookie)", () =>
    throttleKey(request, env, "someone@example.com"),
  );
  await report(
    "per-account throttle: the counting upsert on its own (in a login it shares the user read's round trip)",
    () => countCheck(db, key, new Date()),
  );
  const quiet = console.log;
  console.log = () => {};
  await report("audit line (HMAC of the IP, JSON)", () => audit("login_failure", request, env, 1));
  console.log = quiet;
  await report("request guard on a login POST (origin check, body read)", () =>
    guardRequest(
      new Request("http://localhost/login/", {
        method: "POST",
        body: form,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
      }),
      env,
    ),
  );
  await report("login page with security headers and the nonce rewriter", () =>
    withSecurityHeaders(new Response(page, { headers: { "Content-Type": "text/html" } }), request, "n").text(),
  );
  await report("login page without them (baseline)", () =>
    new Response(page, { headers: { "Content-Type": "text/html" } }).text(),
  );
});
