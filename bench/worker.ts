// Bench-only worker entry (never deployed): the real app behind two instruments.
// 1. Every request sees a counting proxy in place of env.DB, and the response carries the number of
//    D1 round trips (an executed statement, a batch or an exec is one) in `X-Bench-D1-Round-Trips`.
//    A request with `X-Bench-D1-Delay-Ms: N` has every round trip delayed by N ms: the database as
//    seen from N ms away (the distance bench; the local D1 is otherwise about 1 ms away).
// 2. `/__bench/*` times the app's own password module inside workerd.
// Run by bench/run.mjs with `wrangler dev bench/worker.ts`; the production bundle stays app/worker.ts.

import { hashPassword, verifyPassword } from "../app/passwords/password.server";
import app from "../app/worker";

type Counter = { roundTrips: number; statements: number; delayMs: number };

/** One round trip: counted, then sent after the simulated distance. */
async function roundTrip<T>(counter: Counter, statements: number, send: () => Promise<T>): Promise<T> {
  counter.roundTrips += 1;
  counter.statements += statements;
  if (counter.delayMs > 0) await scheduler.wait(counter.delayMs);
  return send();
}

const EXECUTE = new Set(["all", "raw", "run", "first"]);
const unwrapped = new WeakMap<object, D1PreparedStatement>();

function countStatement(statement: D1PreparedStatement, counter: Counter): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "bind") return (...values: unknown[]) => countStatement(target.bind(...values), counter);
      if (typeof property === "string" && EXECUTE.has(property))
        return (...args: unknown[]) => roundTrip(counter, 1, () => value.apply(target, args));
      return value.bind(target);
    },
  });
  unwrapped.set(proxy, statement);
  return proxy;
}

function countDatabase<T extends D1Database | D1DatabaseSession>(db: T, counter: Counter): T {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      switch (property) {
        case "prepare":
          return (query: string) => countStatement(target.prepare(query), counter);
        case "batch":
          return (statements: D1PreparedStatement[]) =>
            roundTrip(counter, statements.length, () =>
              target.batch(statements.map((statement) => unwrapped.get(statement) ?? statement)),
            );
        case "exec":
          return (query: string) => roundTrip(counter, 1, () => (target as D1Database).exec(query));
        case "withSession":
          return (constraint?: Parameters<D1Database["withSession"]>[0]) =>
            countDatabase((target as D1Database).withSession(constraint), counter);
        default:
          return value.bind(target);
      }
    },
  });
}

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
