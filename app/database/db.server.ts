// The one way into D1: Drizzle, typed by the schema in drizzle/, over one D1 Sessions API session
// per request. A request that may change something (every non-GET: logins, code checks, re-checks,
// account changes) reads from the primary ("first-primary"), so a revoked session or a replaced
// password is never accepted from a lagging replica. Pages (GET) read from a replica near the user,
// but never one older than what this browser last wrote: the session starts from the bookmark the `__session` cookie carries
// (session-cookie.server.ts hands it over when it reads the cookie, and stores `currentBookmark` back
// whenever it writes the cookie). Writes always run on the primary (D1 forwards them there).
// Work outside requests (the cron sweep) uses `getDbOutsideRequest`.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { drizzle } from "drizzle-orm/d1";
import { config } from "~/config";
import type { D1Usage } from "~/load-context";
import * as schema from "../../drizzle/schema";

function drizzleOver(client: D1Database) {
  return drizzle(client, { schema });
}

export type Db = ReturnType<typeof drizzleOver>;
export { schema };

type RequestDb = { db: Db; session: D1DatabaseSession };

const perRequest = new WeakMap<AppLoadContext, RequestDb>();
const startingBookmark = new WeakMap<AppLoadContext, string>();

/**
 * This request's database. The D1 session opens at the first call: on the primary for a request that
 * is not a GET or HEAD; else from the browser's bookmark when the cookie has been read by then
 * (every page's getUser reads it before its query), else "first-unconstrained" (any replica).
 */
export function getDb(context: AppLoadContext): Db {
  let entry = perRequest.get(context);
  if (!entry) {
    const session = context.cloudflare.env.DB.withSession(startingConstraint(context));
    const usage = context.d1Usage ?? { roundTrips: 0, ms: 0 };
    entry = { db: drizzleOver(measuredClient(session, usage)), session };
    perRequest.set(context, entry);
  }
  return entry.db;
}

const READ_ONLY_METHODS = ["GET", "HEAD"];

function startingConstraint(context: AppLoadContext): D1SessionConstraint | D1SessionBookmark {
  // No method known (a test calling a loader by hand): decide on the primary, the safe side.
  if (!READ_ONLY_METHODS.includes(context.requestMethod ?? "POST")) return "first-primary";
  return startingBookmark.get(context) ?? "first-unconstrained";
}

/** The cron sweep and other work with no browser behind it: plain D1, every query on the primary. */
export function getDbOutsideRequest(env: Env): Db {
  return drizzleOver(env.DB);
}

// D1 bookmarks look like `00000001-00000002-00004e2f-0a83ea2fceebc654de0640c422be4653`: hex groups.
const BOOKMARK = /^[0-9a-f]{8}(?:-[0-9a-f]{8}){2}-[0-9a-f]{16,64}$/i;

/**
 * Called with the bookmark found in the browser's cookie. Returns false when it is garbled (the
 * caller drops it and reads start unconstrained, as for a browser that has written nothing).
 */
export function resumeFromBookmark(context: AppLoadContext, bookmark: unknown): boolean {
  if (typeof bookmark !== "string" || !BOOKMARK.test(bookmark)) return false;
  startingBookmark.set(context, bookmark);
  return true;
}

/** The bookmark to keep in the cookie: the latest this request's session saw (after its writes), or null. */
export function currentBookmark(context: AppLoadContext): string | null {
  return perRequest.get(context)?.session.getBookmark() ?? null;
}

// The client Drizzle drives: the session's prepare and batch, each round trip counted and timed,
// and reads retried on D1's transient errors. Drizzle only calls prepare, batch and a statement's
// bind, run, all and raw; it has no types for a D1 session (drizzle-orm issue 4522), hence the cast.
function measuredClient(session: D1DatabaseSession, usage: D1Usage): D1Database {
  const client = {
    prepare: (query: string) => new MeasuredStatement(session.prepare(query), isRead(query), usage),
    batch: (statements: MeasuredStatement[]) =>
      measured(
        usage,
        statements.every((statement) => statement.read),
        () => session.batch(statements.map((statement) => statement.inner)),
      ),
  };
  return client as unknown as D1Database;
}

class MeasuredStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    readonly read: boolean,
    private readonly usage: D1Usage,
  ) {}
  bind(...values: unknown[]) {
    return new MeasuredStatement(this.inner.bind(...values), this.read, this.usage);
  }
  run() {
    return measured(this.usage, this.read, () => this.inner.run());
  }
  all() {
    return measured(this.usage, this.read, () => this.inner.all());
  }
  raw(options?: { columnNames?: false }) {
    return measured(this.usage, this.read, () => this.inner.raw(options));
  }
}

/** Only a plain SELECT is safe to repeat: a write that failed in transit may still have happened. */
function isRead(query: string): boolean {
  return /^\s*select\b/i.test(query);
}

// The errors D1's documentation lists as transient (best-practices/retry-queries).
const TRANSIENT = [
  "Network connection lost",
  "storage caused object to be reset",
  "reset because its code was updated",
];

function isTransientD1Error(error: unknown): boolean {
  const text = String(error);
  return TRANSIENT.some((message) => text.includes(message));
}

async function measured<T>(usage: D1Usage, retryable: boolean, roundTrip: () => Promise<T>): Promise<T> {
  const { attempts, firstDelayMs } = config.d1ReadRetry;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      return await roundTrip();
    } catch (error) {
      if (!retryable || attempt >= attempts || !isTransientD1Error(error)) throw error;
    } finally {
      usage.roundTrips += 1;
      usage.ms += Date.now() - started;
    }
    // Exponential backoff with jitter, so retries from many isolates don't arrive together.
    await scheduler.wait(firstDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
  }
}
