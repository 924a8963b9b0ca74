// Bench-only worker entry (never deployed): the real app behind two instruments.
// 1. Every request sees a counting proxy in place of env.DB, and the response carries the number of
//    D1 round trips (an executed statement, a batch or an exec is one) in `X-Bench-D1-Round-Trips`.
//    A request with `X-Bench-D1-Delay-Ms: N` has every round trip delayed by N ms: the database as
//    seen from N ms away (the distance bench; the local D1 is otherwise about 1 ms away).
// 2. `/__bench/*` times the app's own password module inside workerd.
// Run by bench/run.ts with `wrangler dev bench/worker.ts`; the production bundle stays app/worker.ts.

import { hashPassword, verifyPassword } from "../app/passwords/password.server";
import app from "../app/worker";
import { type Counter, countDatabase } from "../harness/d1-round-trips";

/** Nothing but an awaited timer: Date.now() in workerd moves only across I/O (Spectre mitigation). */
const tick = () => scheduler.wait(0);

const PASSWORD = "correct horse battery staple";

async function benchRoute(url: URL): Promise<Response> {
  const password = url.searchParams.get("pw") ?? PASSWORD;
  switch (url.pathname) {
    case "/__bench/noop":
      return new Response("ok");
    case "/__bench/argon2/hash":
      return new Response(hashPassword(password));
    case "/__bench/argon2/verify":
      return new Response(String(verifyPassword(url.searchParams.get("hash") ?? "", password)));
    case "/__bench/argon2/loop": {
      // In-worker timing: an awaited timer on each side of the operation lets the clock move.
      const n = Number(url.searchParams.get("n") ?? "20");
      const verify = url.searchParams.get("op") === "verify";
      const hash = verify ? hashPassword(password) : "";
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        await tick();
        const start = Date.now();
        if (verify) verifyPassword(hash, password);
        else hashPassword(password);
        await tick();
        times.push(Date.now() - start);
      }
      return Response.json(times);
    }
    default:
      return new Response("unknown bench route", { status: 404 });
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__bench/")) return benchRoute(url);
    const delayMs = Math.max(0, Math.min(1000, Number(request.headers.get("X-Bench-D1-Delay-Ms")) || 0));
    const counter: Counter = { roundTrips: 0, statements: 0, delayMs };
    const response = await app.fetch(request, { ...env, DB: countDatabase(env.DB, counter) }, ctx);
    // Read the whole body first, so queries made while streaming are counted too.
    const body = await response.arrayBuffer();
    const headers = new Headers(response.headers);
    headers.set("X-Bench-D1-Round-Trips", String(counter.roundTrips));
    headers.set("X-Bench-D1-Statements", String(counter.statements));
    return new Response(body.byteLength > 0 ? body : null, { status: response.status, headers });
  },
} satisfies ExportedHandler<Env>;
