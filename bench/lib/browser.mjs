// The bench's users and their visits, through harness/http-client.ts's form client, plus a small
// concurrency pool.
import { FormClient } from "../../harness/http-client.ts";

export const PASSWORD = "bench password 0123";

export function benchUser(index, runId) {
  return {
    email: `bench-${runId}-${index}@example.com`,
    first_name: "Bench",
    last_name: `User ${index}`,
    password: PASSWORD,
    confirm_password: PASSWORD,
  };
}

/** Registers through the real form (GET for the token, then POST); returns the POST response. */
export async function register(origin, user) {
  const browser = new FormClient(origin);
  await browser.get("/register/");
  const { response } = await browser.post("/register/", user);
  if (response.status !== 303) throw new Error(`registration of ${user.email} answered ${response.status}`);
  return response;
}

/** A browser signed in through the real login form. */
export async function signIn(origin, user) {
  const browser = new FormClient(origin);
  await browser.get("/login/");
  const { response } = await browser.post("/login/", { email: user.email, password: user.password });
  if (response.status !== 303) throw new Error(`login of ${user.email} answered ${response.status}`);
  return { browser, response };
}

/** A fresh anonymous cookie and its CSRF token, as a login form would carry them. */
export async function freshLoginPair(origin) {
  const browser = new FormClient(origin);
  const { response } = await browser.get("/login/");
  if (response.status !== 200 || !browser.csrf) throw new Error(`GET /login/ answered ${response.status}`);
  return { cookie: browser.cookieHeader(), csrf: browser.csrf };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns the results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
