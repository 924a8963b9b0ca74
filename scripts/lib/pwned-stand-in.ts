// A local stand-in for the Pwned Passwords range API (the real one is not reachable from local runs
// and tests), started by `npm start` and by the workerd tests' global setup. It answers
// `GET <prefix>/range/<5 hex>` as the real service does: one `SUFFIX:COUNT` line per known SHA-1
// under that prefix, padded with zero-count lines when asked (`Add-Padding: true`). Under `/slow/`
// it answers only after the breach check's timeout, to prove that a slow service is given up.
// `GET /requests` lists what it was asked (path and Add-Padding), so a test can check what left the
// worker. Plain Node and erasable TypeScript only: `npm start` imports it with Node's type stripping.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SLOW_ANSWER_MS, STAND_IN_BREACHED, STAND_IN_PADDED } from "./pwned-stand-in-passwords.ts";

const PADDING_LINES = 20;

type Asked = { path: string; addPadding: boolean };

export type StandIn = { url: string; slowUrl: string; close(): Promise<void> };

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex").toUpperCase();

function rangeAnswer(prefix: string, known: Map<string, number>, padding: boolean): string {
  const lines = [...known]
    .filter(([hash]) => hash.startsWith(prefix))
    .map(([hash, count]) => `${hash.slice(5)}:${count}`);
  if (padding) {
    for (let i = 0; i < PADDING_LINES; i++) lines.push(`${sha1(`padding ${prefix} ${i}`).slice(5)}:0`);
  }
  return lines.join("\r\n");
}

/** Starts the stand-in on `port` (0: any free one) of 127.0.0.1. */
export function startPwnedStandIn(port = 0): Promise<StandIn> {
  const known = new Map<string, number>([
    ...STAND_IN_BREACHED.map((password, i): [string, number] => [sha1(password), 1000 + i]),
    ...STAND_IN_PADDED.map((password): [string, number] => [sha1(password), 0]),
  ]);
  const asked: Asked[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    if (path === "/requests") {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(asked));
      return;
    }
    const match = /^(\/slow)?\/range\/([0-9A-Fa-f]{5})$/.exec(path);
    if (request.method !== "GET" || !match) {
      response.writeHead(404).end();
      return;
    }
    asked.push({ path, addPadding: request.headers["add-padding"] === "true" });
    const body = rangeAnswer((match[2] ?? "").toUpperCase(), known, request.headers["add-padding"] === "true");
    const answer = () => {
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.end(body);
    };
    if (!match[1]) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, SLOW_ANSWER_MS);
    timers.add(timer);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url: `${origin}/range/`,
        slowUrl: `${origin}/slow/range/`,
        close: () =>
          new Promise((done) => {
            for (const timer of timers) clearTimeout(timer);
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
