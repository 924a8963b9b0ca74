// docs/product.md "Holding under attack", against the app as `npm start` serves it (wrangler dev,
// workerd, local D1; per-IP limits off, so only the per-account throttle can bite): 20 clients, each
// with its own cookie and CSRF token, post a wrong password for one account at the same moment; at
// most 5 of them get a real check ("Invalid email or password", 400), the rest 429. And the owner's
// browser, which has signed in before (its `__device` cookie), still signs in while strangers hammer.
import { describe, expect, it } from "vitest";
import { baseURL, registeredUser } from "./support";

const CLIENTS = 20;
const MAX_CHECKS = 5;

/** One client over plain HTTP: its own cookie jar and the CSRF token of the last page it loaded. */
class Client {
  private cookies = new Map<string, string>();
  private csrf = "";

  async open(path: string): Promise<void> {
    const response = await fetch(`${baseURL}${path}`, { headers: this.headers() });
    this.keep(response);
    this.csrf = /name="csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? "";
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const response = await fetch(`${baseURL}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { ...this.headers(), Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf: this.csrf, ...fields }),
    });
    this.keep(response);
    await response.arrayBuffer();
    return response;
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  /** Drops one cookie (the session: as if the browser had been closed, `__device` kept). */
  forget(name: string) {
    this.cookies.delete(name);
  }

  private headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    return cookie ? { Cookie: cookie } : {};
  }

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
}

/** `count` clients with the login page (cookie and CSRF token) loaded, ready to post at once. */
async function strangers(count: number): Promise<Client[]> {
  const clients = Array.from({ length: count }, () => new Client());
  await Promise.all(clients.map((client) => client.open("/login/")));
  return clients;
}

describe("the per-account throttle against npm start", () => {
  it(`${CLIENTS} wrong passwords for one account sent at once: at most ${MAX_CHECKS} real checks, the rest 429`, async () => {
    const user = await registeredUser("throttle-race");
    const clients = await strangers(CLIENTS);
    const answers = await Promise.all(
      clients.map((client) => client.post("/login/", { email: user.email, password: "a wrong password" })),
    );
    const statuses = answers.map((answer) => answer.status);
    const refused = statuses.filter((status) => status === 429).length;
    const checked = statuses.filter((status) => status === 400).length;
    expect(checked + refused, `statuses: ${statuses.join(" ")}`).toBe(CLIENTS);
    expect(refused, `statuses: ${statuses.join(" ")}`).toBeGreaterThanOrEqual(CLIENTS - MAX_CHECKS);
  });

  it("the owner's browser, signed in there before, still signs in while strangers hammer the account", async () => {
    const user = await registeredUser("throttle-owner");
    const owner = new Client();
    await owner.open("/login/");
    expect((await owner.post("/login/", { email: user.email, password: user.password })).status).toBe(303);
    expect(owner.has("__device")).toBe(true);
    owner.forget("__session");

    // Strangers use up the account's shared allowance, then keep going while the owner signs in.
    const first = await strangers(CLIENTS);
    await Promise.all(first.map((client) => client.post("/login/", { email: user.email, password: "guess one" })));
    const more = await strangers(CLIENTS);
    await owner.open("/login/");
    const [ownerAnswer, ...hammer] = await Promise.all([
      owner.post("/login/", { email: user.email, password: user.password }),
      ...more.map((client) => client.post("/login/", { email: user.email, password: "guess two" })),
    ]);
    expect(hammer.every((answer) => answer.status === 429)).toBe(true);
    expect(ownerAnswer.status).toBe(303);
    expect(ownerAnswer.headers.get("Location")).toBe("/dash/");
  });
});
