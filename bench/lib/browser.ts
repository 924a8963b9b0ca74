// The bench's users and their visits, through harness/http-client.ts's form client, plus a small
// concurrency pool.
import { FormClient } from "../../harness/http-client.ts";

const PASSWORD = "bench password 0123";

/** The register form's fields for one bench user. */
export type BenchUser = {
  email: string;
  first_name: string;
  last_name: string;
  password: string;
  confirm_password: string;
};

export function benchUser(index: number | string, runId: string): BenchUser {
  return {
    email: `bench-${runId}-${index}@example.com`,
    first_name: "Bench",
    last_name: `User ${index}`,
    password: PASSWORD,
    confirm_password: PASSWORD,
  };
}

/** Registers through the real form (GET for the token, then POST); returns the POST response. */
export async function register(origin: string, user: BenchUser): Promise<Response> {
  const browser = new FormClient(origin);
  await browser.get("/register/");
  const { response } = await browser.post("/register/", user);
  if (response.status !== 303) throw new Error(`registration of ${user.email} answered ${response.status}`);
  return response;
}

/** A browser signed in through the real login form. */
export async function signIn(origin: string, user: BenchUser): Promise<{ browser: FormClient; response: Response }> {
  const browser = new FormClient(origin);
  await browser.get("/login/");
  const { response } = await browser.post("/login/", { email: user.email, password: user.password });
  if (response.status !== 303) throw new Error(`login of ${user.email} answered ${response.status}`);
  return { browser, response };
}

/** What a login POST needs besides the credentials: an anonymous cookie and its CSRF token. */
export type LoginPair = { cookie: string; csrf: string };

/** A fresh anonymous cookie and its CSRF token, as a login form would carry them. */
export async function freshLoginPair(origin: string): Promise<LoginPair> {
  const browser = new FormClient(origin);
  const { response } = await browser.get("/login/");
  if (response.status !== 200 || !browser.csrf) throw new Error(`GET /login/ answered ${response.status}`);
  return { cookie: browser.cookieHeader(), csrf: browser.csrf };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns the results in order. */
export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
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
