// Requests through the whole worker with D1's round trips counted (harness/d1-round-trips.ts), for
// the tests that hold each request to its budget.
import { env } from "cloudflare:workers";
import { type Counter, countDatabase } from "../../harness/d1-round-trips";
import { type Fields, ORIGIN, type TestBrowser } from "./browser";
import { callWorker } from "./worker";

/** One request as `browser` sends it (its cookies and IP): the status, the body's text and the count. */
async function counted(
  browser: TestBrowser,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: BodyInit },
) {
  const counter: Counter = { roundTrips: 0, statements: 0 };
  const request = new Request(new URL(path, ORIGIN), {
    ...init,
    redirect: "manual",
    headers: { Cookie: browser.cookieHeader(), "CF-Connecting-IP": browser.ip, ...init.headers },
  });
  const response = await callWorker(request, { ...env, DB: countDatabase(env.DB, counter) });
  return { status: response.status, text: await response.text(), ...counter };
}

/** One page load from `browser`. */
export function countedGet(browser: TestBrowser, path: string) {
  return counted(browser, path, { method: "GET" });
}

/** One form POST from `browser` (its CSRF token too). */
export function countedPost(browser: TestBrowser, path: string, fields: Fields = {}) {
  return counted(browser, path, {
    method: "POST",
    body: new URLSearchParams({ csrf: browser.csrf ?? "", ...fields }),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
    },
  });
}
