// For uptime monitors and deploy checks: one real query through Drizzle, no HTML, no session.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { getDb, schema } from "~/database/db.server";
import { describeError, log } from "~/log.server";

const OK = "The app and database are working fine";
const DOWN = "The database is not working";

export async function loader({ request, context }: LoaderFunctionArgs) {
  let status = 200;
  try {
    const { users } = schema;
    await getDb(context).select({ id: users.id }).from(users).limit(1);
  } catch (error) {
    status = 503;
    log("error", "healthcheck_failed", { error: describeError(error) });
  }
  return new Response(request.method === "HEAD" ? null : status === 200 ? OK : DOWN, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
