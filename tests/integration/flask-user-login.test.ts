import { describe, expect, it } from "vitest";
import { UNUSABLE_PASSWORD_HASH } from "~/passwords/stored-hash.server";
import { WERKZEUG_2_2_VECTORS, WERKZEUG_3_VECTORS } from "../fixtures/werkzeug-vectors";
import { newUser, TestBrowser, textOf } from "../helpers/browser";
import { createUser, userByEmail } from "../helpers/db";
import { nodeVerify } from "../helpers/node-argon2";
import { werkzeugHashes } from "../helpers/werkzeug";

const ARGON2ID = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;
const IMPORTED_LAST_LOGIN = Date.UTC(2021, 6, 1, 12, 34, 56, 789);

/** A row as `npm run users:import` writes it. */
async function importUser(email: string, passwordHash: string, loginCount: number, lastLoginAt: number | null) {
  await createUser({ email, firstName: "Grace", lastName: "Hopper", passwordHash, loginCount, lastLoginAt });
}

async function logIn(email: string, password: string) {
  const browser = new TestBrowser();
  await browser.get("/login/");
  const { response } = await browser.post("/login/", { email, password });
  return { status: response.status, browser };
}

describe("an imported Flask user's first login", () => {
  it("logs in with the old password, gets argon2id in the same write, and the history goes on", async () => {
    const { email = "", password = "" } = newUser();
    const [run] = await werkzeugHashes([{ method: "pbkdf2:sha256:100000", password }]);
    const legacy = run?.hashes[0]?.hash ?? expect.fail("werkzeug made no hash");
    await importUser(email, legacy, 41, IMPORTED_LAST_LOGIN);

    expect((await logIn(email, `${password}!`)).status).toBe(400);
    expect((await userByEmail(email))?.password_hash).toBe(legacy);

    const first = await logIn(email, password);
    expect(first.status).toBe(303);
    const row = await userByEmail(email);
    expect(row?.password_hash).toMatch(ARGON2ID);
    expect(await nodeVerify(row?.password_hash ?? "", password)).toMatchObject({ valid: true });
    expect(row?.login_count).toBe(42);
    expect(row?.previous_login_at).toBe(IMPORTED_LAST_LOGIN);
    const dash = textOf((await first.browser.get("/dash/")).html);
    expect(dash).toContain("Logins: 42");
    expect(dash).toContain("Previous login: 1 Jul 2021, 12:34 UTC");

    const second = await logIn(email, password);
    expect(second.status).toBe(303);
    const after = await userByEmail(email);
    expect(after?.password_hash).toBe(row?.password_hash);
    expect(after?.login_count).toBe(43);
    expect(after?.previous_login_at).toBe(row?.last_login_at);
  });

  it("shows the imported last login even when the imported count was NULL (stored as 0)", async () => {
    const { email = "" } = newUser();
    const vector = WERKZEUG_2_2_VECTORS[0] ?? expect.fail("no vector");
    await importUser(email, vector.hash, 0, IMPORTED_LAST_LOGIN);
    const { status, browser } = await logIn(email, vector.password);
    expect(status).toBe(303);
    const dash = textOf((await browser.get("/dash/")).html);
    expect(dash).toContain("Logins: 1");
    expect(dash).toContain("Previous login: 1 Jul 2021, 12:34 UTC");
  });

  it("says 'This is your first login' when nothing was imported about earlier logins", async () => {
    const { email = "" } = newUser();
    const vector = WERKZEUG_3_VECTORS.find((v) => v.method === "scrypt:1024:8:1") ?? expect.fail("no vector");
    await importUser(email, vector.hash, 0, null);
    const { status, browser } = await logIn(email, vector.password);
    expect(status).toBe(303);
    expect(textOf((await browser.get("/dash/")).html)).toContain("This is your first login");
    expect((await userByEmail(email))?.password_hash).toMatch(ARGON2ID);
  });

  it("never accepts an unusable password, whatever is typed, and changes nothing", async () => {
    const { email = "" } = newUser();
    await importUser(email, UNUSABLE_PASSWORD_HASH, 3, IMPORTED_LAST_LOGIN);
    for (const typed of [UNUSABLE_PASSWORD_HASH, "", "!", "no-usable-password"]) {
      expect((await logIn(email, typed || "x")).status).toBe(400);
    }
    expect((await userByEmail(email))?.password_hash).toBe(UNUSABLE_PASSWORD_HASH);
    expect((await userByEmail(email))?.login_count).toBe(3);
  });
});
