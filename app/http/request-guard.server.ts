// Checks that come before Remix sees a request: canonical slashed URLs, cross-site posts, and the
// size and type of request bodies (so no route reads more than the limit or a body it can't parse).

import { audit } from "~/auth/audit.server";
import { config } from "~/config";
import { messages } from "~/messages";

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** Where Remix's lazy route discovery asks for the routes of a path it has not seen yet. */
const REMIX_MANIFEST_PATH = "/__manifest";

/** Every route serves GET and HEAD; forms POST. Anything else would reach Remix as an action call. */
const ALLOWED_METHODS = ["GET", "HEAD", "POST"];

/** A response that ends the request here, or the request (cleaned, body buffered) to hand on. */
export async function guardRequest(request: Request, env: Env): Promise<Request | Response> {
  // workerd builds the URL from the request target and Host; a malformed one makes no URL at all.
  const url = URL.parse(request.url);
  if (!url) return errorPage(400, "Bad request", messages.badRequestTarget);
  if (!ALLOWED_METHODS.includes(request.method)) {
    const response = errorPage(405, "Method not allowed", messages.methodNotAllowed);
    response.headers.set("Allow", ALLOWED_METHODS.join(", "));
    return response;
  }
  // `?_data` is the data protocol of Remix before single fetch; this app's client never sends it, and
  // Remix answers it (a POST too) with errors of its own that end up logged as unhandled.
  if (url.searchParams.has("_data")) return errorPage(400, "Bad request", messages.badRequestTarget);
  if (request.method === "GET" || request.method === "HEAD") {
    // `/login` → `/login/` with the query kept; files (`/favicon.ico`, `/x.data`) and Remix's
    // route-discovery endpoint are left alone.
    const lastSegment = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    if (lastSegment !== "" && !lastSegment.includes(".") && url.pathname !== REMIX_MANIFEST_PATH) {
      // Absolute, on this origin: a path like `//evil.example/x` (or `/\evil.example/x`, which the URL
      // parser reads the same) would be a protocol-relative, off-site Location if sent as it is.
      const location = `${url.origin}${url.pathname}/${url.search}`;
      return new Response(null, { status: 308, headers: { Location: location } });
    }
    return request.body ? withoutBody(request) : request;
  }

  if (!isSameOrigin(request)) {
    await audit("csrf_rejected", request, env);
    return errorPage(403, "Request refused", messages.csrfRejected);
  }
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > config.maxBodyBytes) return errorPage(413, "Too large", messages.bodyTooLarge);
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!FORM_TYPES.includes(type)) return errorPage(415, "Not a form", messages.notAForm);

  const body = await readAtMost(request, config.maxBodyBytes);
  if (body === null) return errorPage(413, "Too large", messages.bodyTooLarge);

  // Remix compares Origin with (X-Forwarded-)Host and throws (a 500) on a mismatch. Nothing in front
  // of a Worker sets X-Forwarded-Host, so a client-sent one is dropped, and Host is this URL's.
  const headers = new Headers(request.headers);
  headers.delete("X-Forwarded-Host");
  headers.set("Host", url.host);
  // An `Origin: null` that passed isSameOrigin is this site's own no-referrer page: no origin to compare.
  if (headers.get("Origin") === "null") headers.delete("Origin");
  return new Request(request, { body, headers });
}

/** Browsers that send Sec-Fetch-Site or Origin must name this site; other clients rely on the CSRF token alone. */
function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("Origin");
  // A page with `Referrer-Policy: no-referrer` (the password-reset pages) makes the browser send
  // `Origin: null` even on its own forms; then only the browser's Sec-Fetch-Site can vouch for it.
  if (origin === "null") return site === "same-origin";
  return origin === null || origin === new URL(request.url).origin;
}

/**
 * A GET or HEAD body has no meaning (RFC 9110, 9.3.1) and Remix cannot copy such a request, so it is
 * answered as if it had none.
 */
function withoutBody(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.delete("Content-Length");
  headers.delete("Transfer-Encoding");
  return new Request(request.url, { method: request.method, headers, signal: request.signal });
}

/** The whole body, or null as soon as it grows past `limit` (a chunked body has no Content-Length to trust). */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A small self-contained page: these refusals happen before the app (and its layout) runs. */
function errorPage(status: number, title: string, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1><p>${message}</p><p><a href="/">Go to the home page</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}
