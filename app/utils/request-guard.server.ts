// Checks that come before Remix sees a request: canonical slashed URLs, and the size and type
// of request bodies (so no route ever reads more than the limit or a body it cannot parse).
import { config } from "~/config";
import { messages } from "~/messages";

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** A response that ends the request here, or the request (body buffered when it had one) to hand on. */
export async function guardRequest(request: Request): Promise<Request | Response> {
  const url = new URL(request.url);
  if (request.method === "GET" || request.method === "HEAD") {
    // `/login` → `/login/` with the query kept; files (`/favicon.ico`, `/x.data`) are left alone.
    const lastSegment = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    if (lastSegment !== "" && !lastSegment.includes(".")) {
      url.pathname += "/";
      return new Response(null, { status: 308, headers: { Location: `${url.pathname}${url.search}` } });
    }
    return request;
  }

  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > config.maxBodyBytes) return plainError(413, messages.bodyTooLarge);
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) return plainError(415, messages.notAForm);

  const body = await readAtMost(request, config.maxBodyBytes);
  if (body === null) return plainError(413, messages.bodyTooLarge);
  return new Request(request, { body });
}

/** The whole body, or null as soon as it grows past `limit` (a chunked body has no Content-Length to trust). */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
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
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function plainError(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
