// The app's own Drizzle statements (built by the worker's modules, never written again here) as SQL
// text for `wrangler d1 execute`, which takes no bound parameters: each `?` becomes the literal of
// its value. The values are the app's (ids, hashes, numbers), quoted as SQLite reads them.
import { getDbOutsideRequest } from "~/database/db.server";

/** A Drizzle instance for building statements only: nothing is ever sent through it. */
export function statementBuilder() {
  return getDbOutsideRequest({ DB: {} } as unknown as Env);
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) return String(value.getTime());
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no SQL literal for a ${typeof value}`);
}

/** One statement's SQL with its parameters written in, ending with a semicolon. */
export function sqlText(statement: { toSQL(): { sql: string; params: unknown[] } }): string {
  const { sql, params } = statement.toSQL();
  let next = 0;
  const text = sql.replace(/\?/g, () => literal(params[next++]));
  if (next !== params.length) throw new Error("a statement's parameters did not line up with its placeholders");
  return `${text};`;
}
