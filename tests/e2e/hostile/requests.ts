// The hostile half of the traffic storm: a seeded list of requests no browser would send. Each is
// either a fetch (odd methods, bodies, content types, cookies, headers, paths) or raw bytes written
// to a socket (what fetch refuses to send: a GET with a body, a bad Host, a broken request line).

type FetchProbe = {
  kind: "fetch";
  label: string;
  path: string;
  init: RequestInit;
  /**
   * A body past the 64 KiB limit, still being sent when the server answers 413 and stops reading:
   * the local runtime may then reset the connection before the client reads the answer.
   */
  mayBeCutOff?: boolean;
};
type RawProbe = {
  kind: "raw";
  label: string;
  bytes: Buffer;
  /** Set when workerd itself may answer (or drop) it before the worker runs, with the reason. */
  runtimeMayAnswer?: string;
  /** Miniflare's entry worker throws on it (see UNPARSEABLE_URL in the test) before the app's worker runs. */
  unparseableUrl?: boolean;
  /** The client hangs up as soon as the answer starts, as a closed tab does. */
  hangUp?: boolean;
};
export type Probe = FetchProbe | RawProbe;

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGES = ["/", "/login/", "/register/", "/logout/", "/dash/", "/healthcheck/", "/nope/"];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomBytes(random: () => number, length: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function chunked(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

function fetchProbe(label: string, path: string, init: RequestInit & { duplex?: "half" } = {}): FetchProbe {
  return { kind: "fetch", label, path, init };
}

/** A raw HTTP/1.1 request; `Connection: close` so the answer ends with the socket. */
function raw(label: string, head: string, body = "", runtimeMayAnswer?: string): RawProbe {
  const text = `${head.replace(/\n/g, "\r\n")}\r\nConnection: close\r\n\r\n${body}`;
  return { kind: "raw", label, bytes: Buffer.from(text, "latin1"), runtimeMayAnswer };
}

/** A request whose Host or target makes no URL: the local runtime's front answers 500 and logs it. */
function unparseable(label: string, head: string): RawProbe {
  return { ...raw(label, head, "", "no URL can be made of its Host or target"), unparseableUrl: true };
}

const form = { "Content-Type": "application/x-www-form-urlencoded" };

/** One hostile request, chosen by `random` from every family below. */
export function hostileProbe(random: () => number, host: string): Probe {
  const page = pick(random, PAGES);
  const families: (() => Probe)[] = [
    // A client that goes away mid-answer.
    () => ({ ...raw("hang up mid-answer", `GET ${page} HTTP/1.1\nHost: ${host}`), hangUp: true }),
    // Methods.
    () => fetchProbe("odd method", page, { method: pick(random, ["PUT", "DELETE", "PATCH", "OPTIONS"]) }),
    () => fetchProbe("HEAD", page, { method: "HEAD" }),
    () => raw("unknown method token", `PROPFIND ${page} HTTP/1.1\nHost: ${host}`, "", "workerd answers 501"),
    () => raw("CONNECT", `CONNECT ${host} HTTP/1.1\nHost: ${host}`, "", "no connect() handler in the worker"),
    () => unparseable("OPTIONS *", `OPTIONS * HTTP/1.1\nHost: ${host}`),
    // Bodies where none belongs.
    () => raw("GET with Content-Length body", `GET ${page} HTTP/1.1\nHost: ${host}\nContent-Length: 5`, "hello"),
    () =>
      raw(
        "GET with chunked body",
        `GET ${page} HTTP/1.1\nHost: ${host}\nTransfer-Encoding: chunked`,
        "5\r\nhello\r\n0\r\n\r\n",
      ),
    () => raw("HEAD with body", `HEAD ${page} HTTP/1.1\nHost: ${host}\nContent-Length: 3`, "abc"),
    // Bodies and content types on POST.
    () => fetchProbe("POST text/plain", page, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "x" }),
    () => fetchProbe("POST JSON", page, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }),
    () =>
      fetchProbe("multipart without boundary", page, {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data" },
        body: "--x\r\n",
      }),
    () =>
      fetchProbe("broken multipart", page, {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data; boundary=zz" },
        body: "--zz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--z",
      }),
    () =>
      fetchProbe("garbled urlencoded", page, {
        method: "POST",
        headers: form,
        body: pick(random, ["%", "a=%E0%A4%A", "=&=&&==", "csrf=&email=%00", "a".repeat(5000)]),
      }),
    () => fetchProbe("random bytes as a form", page, { method: "POST", headers: form, body: randomBytes(random, 512) }),
    () => fetchProbe("empty form", page, { method: "POST", headers: form, body: "" }),
    () => fetchProbe("oversized form", page, { method: "POST", headers: form, body: `a=${"x".repeat(70 * 1024)}` }),
    () => ({
      ...fetchProbe("oversized chunked form", page, {
        method: "POST",
        headers: form,
        body: chunked(Array.from({ length: 9 }, () => new TextEncoder().encode("x".repeat(9000)))),
        duplex: "half",
      }),
      mayBeCutOff: true,
    }),
    () =>
      fetchProbe("small chunked form", page, {
        method: "POST",
        headers: form,
        body: chunked([new TextEncoder().encode("email=a%40b.c&"), new TextEncoder().encode("password=x")]),
        duplex: "half",
      }),
    () =>
      raw(
        "Content-Length too large to believe",
        `POST ${page} HTTP/1.1\nHost: ${host}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 99999999999999999999`,
        "",
        "the runtime refuses an unparseable Content-Length",
      ),
    // Cross-site posts.
    () =>
      fetchProbe("cross-site POST", page, {
        method: "POST",
        headers: { ...form, Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
        body: "email=a%40b.c&password=x",
      }),
    // Cookies.
    () =>
      fetchProbe("garbled cookies", page, {
        headers: {
          Cookie: pick(random, [
            "__session=%%%",
            "__session=eyJ0b2tlbiI6IngifQ%3D%3D.AAAA",
            `__session=${"A".repeat(4000)}`,
            "__session=a; __session=b",
            "__session=\u00ff\u00fe",
            "=; ;;; __session",
          ]),
        },
      }),
    // Headers.
    () =>
      fetchProbe("odd headers", page, {
        headers: {
          Accept: pick(random, ["*/*;q=x", "text/html;;", ""]),
          "Accept-Language": "zz;q=2",
          Range: "bytes=9-1",
          "If-None-Match": '"x"',
          "X-Forwarded-Host": "evil.example",
          "CF-Connecting-IP": "not an ip",
        },
      }),
    () => raw("no Host", `GET ${page} HTTP/1.1`, "", "HTTP/1.1 requires a Host header"),
    () => raw("HTTP/1.0 without Host", `GET ${page} HTTP/1.0`),
    () =>
      unparseable("bad Host", `GET ${page} HTTP/1.1\nHost: ${pick(random, ["[", "a b", "a:b:c", ":::", "%zz", "@"])}`),
    () => raw("header without colon", `GET ${page} HTTP/1.1\nHost: ${host}\nNoColonHere`, "", "malformed header"),
    () =>
      raw("huge header", `GET ${page} HTTP/1.1\nHost: ${host}\nX-Big: ${"b".repeat(20_000)}`, "", "header too large"),
    // Request targets and paths.
    () => raw("absolute-form target", `GET http://evil.example${page} HTTP/1.1\nHost: ${host}`),
    () => raw("target without a slash", `GET login HTTP/1.1\nHost: ${host}`),
    () => raw("broken request line", "GARBAGE", "", "no method, target or version"),
    () => raw("bytes in the target", `GET /\u00ff\u00fe/ HTTP/1.1\nHost: ${host}`),
    () =>
      fetchProbe(
        "odd path",
        pick(random, [
          "/%ZZ/",
          "//evil.example/",
          "/..%2f..%2fwrangler.toml",
          "/%00/",
          "/\u00fcn\u00ef/",
          `/${"p".repeat(8000)}/`,
          "/assets/../wrangler.toml",
          "/favicon.ico",
          "/login/?next=%2F%2Fevil.example",
          "/login/?next=%0d%0aSet-Cookie:x",
          "/dash?x=1",
        ]),
      ),
    // Remix's own endpoints, used the wrong way.
    () =>
      fetchProbe(
        "Remix data request",
        pick(random, [
          "/login/?_data=routes%2Flogin",
          "/?_data=root",
          "/_root.data",
          "/login.data",
          "/dash.data?_routes=routes%2Fdash",
          "/nope.data",
          "/__manifest?p=%2Flogin%2F&version=x",
          "/__manifest?paths=%%%",
          "/__manifest",
        ]),
      ),
    () =>
      fetchProbe(
        "POST to a data URL",
        pick(random, [
          "/login.data",
          "/register.data",
          "/_root.data",
          "/login/?_data=routes%2Flogin",
          "/register/?_data=routes%2Fregister",
          "/logout/?_data=root",
        ]),
        {
          method: "POST",
          headers: form,
          body: "email=a%40b.c&password=x",
        },
      ),
  ];
  return pick(random, families)();
}
