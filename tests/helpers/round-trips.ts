// Requests through the whole worker with D1's round trips counted (harness/d1-round-trips.ts), for
// the tests that hold each request to its budget.
import { env } from "cloudflare:workers";
import { type Counter, countDatabase } from "../../harness/d1-round-trips";
import { type Fields, ORIGIN, type TestBrowser } from "./browser";
import { callWorker } from "./worker";

/** One form POST from `browser` (its cookies, CSRF token and IP): the status, the body's text and the count. */
export async function countedPost(browser: TestBrowser, path: string, fields: Fields = {}) {
  const counter: Counter = { roundTrips: 0, statements: 0 };
  const request = new Request(new URL(path, ORIGIN), {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ csrf: browser.csrf ?? "", ...fields }),
    headers: {
      Cookie: browser.cookieHeader(),
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
      "CF-Connecting-IP": browser.ip,
    },
  });
  const response = await callWorker(request, { ...env, DB: countDatabase(env.DB, counter) });
  return { status: response.status, text: await response.text(), ...counter };
}
