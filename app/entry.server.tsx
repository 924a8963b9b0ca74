import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/cloudflare";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToReadableStream } from "react-dom/server";
import { NonceProvider } from "~/components/nonce";
import { describeError, log } from "~/log.server";

const ABORT_DELAY_MS = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  let status = responseStatusCode;
  const nonce = loadContext.cspNonce ?? "";
  // Aborts a render still unfinished after the delay. Cleared once it finishes: a timer left behind
  // fires into the closed stream and logs an error (seen where the caller outlives the request, as a
  // test calling the worker's fetch handler directly does).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ABORT_DELAY_MS);
  const body = await renderToReadableStream(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
    </NonceProvider>,
    {
      nonce,
      signal: abort.signal,
      onError(error: unknown) {
        status = 500;
        logError(error, request);
      },
    },
  );
  body.allReady.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  // Crawlers get the whole page at once; people get it streamed.
  if (isbot(request.headers.get("User-Agent") ?? "")) await body.allReady;
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(body, { headers: responseHeaders, status });
}

// One line per error: what and where, never the stack (it would land in shared logs).
// Client errors (405 for a POST to a page without a form, ...) are answers, not faults.
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted || (isRouteErrorResponse(error) && error.status < 500)) return;
  logError(error, request);
};

function logError(error: unknown, request: Request) {
  log("error", "unhandled_error", {
    method: request.method,
    path: new URL(request.url).pathname,
    error: describeError(error),
  });
}
