// A resource route that runs one D1 query: the floor of a signed-in page's database work.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";

export async function loader({ context }: LoaderFunctionArgs) {
  const { DB } = (context.cloudflare as { env: { DB: D1Database } }).env;
  return Response.json(await DB.prepare("SELECT 1 AS one").first());
}
