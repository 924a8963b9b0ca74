// The worker's credential change (app/auth/credential-change.server.ts) for the operator commands:
// the very statements the worker batches, rendered to SQL text for `wrangler d1 execute`, so that
// `user:password` and `users:legacy --expire-older-than` do exactly what a password set in the app
// does (new hash, a new credential generation, every session and reset link void, failure counts
// cleared). Only the notice email is not sent: the EMAIL binding exists only inside the worker.
import { drizzle } from "drizzle-orm/d1";
import { type CredentialChange, credentialChangeStatements } from "~/auth/credential-change.server";
import * as schema from "../../drizzle/schema";

// Drizzle over no database at all: statements are only rendered here (toSQL), never run.
const renderer = drizzle({} as D1Database, { schema });

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`cannot write ${typeof value} into SQL`);
}

/** Inlines the bound values: `wrangler d1 execute` takes plain SQL. Drizzle's SQL has no `?` but its placeholders. */
function inline({ sql, params }: { sql: string; params: unknown[] }): string {
  let next = 0;
  const text = sql.replace(/\?/g, () => literal(params[next++]));
  if (next !== params.length) throw new Error("a statement's placeholders and values do not match");
  return `${text};`;
}

/** The change's statements as SQL, in the worker's order; the last returns the new generation (no row: nothing changed). */
export async function credentialChangeSql(change: CredentialChange, now = new Date()): Promise<string[]> {
  const statements = await credentialChangeStatements(renderer, change, now);
  return statements.map((statement) => inline(statement.toSQL()));
}
