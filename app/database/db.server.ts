// The one way into D1: Drizzle over the `DB` binding, typed by the schema in drizzle/.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../drizzle/schema";

export function getDb(env: Env) {
  return drizzle(env.DB, { schema });
}

export type Db = ReturnType<typeof getDb>;
export { schema };
