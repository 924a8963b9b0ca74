import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../app/worker";

/** The worker's own fetch handler, called with bindings of the test's choosing (a missing secret, a missing DB, ...). */
export async function callWorker(request: Request, bindings: Env): Promise<Response> {
  const handler = worker.fetch;
  if (!handler) throw new Error("the worker has no fetch handler");
  const ctx = createExecutionContext();
  const streamed = await handler(request as Parameters<typeof handler>[0], bindings, ctx);
  // Buffered, so the body can be read after the execution context has been waited on.
  const response = new Response(await streamed.arrayBuffer(), streamed);
  await waitOnExecutionContext(ctx);
  return response;
}
