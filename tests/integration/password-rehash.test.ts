// docs/product.md "Passwords": a hash made with other parameters still verifies, and is re-hashed with the
// current ones at the next successful login. The old hashes are made by @node-rs/argon2 in Node, as
// an operator's `npm run user:password` would.
import { describe, expect, it } from "vitest";
import { newUser, TestBrowser } from "../helpers/browser";
import { createUser, userByEmail } from "../helpers/db";
import { nodeHash, nodeVerify } from "../helpers/node-argon2";

const CURRENT = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

async function login(email: string, password: string): Promise<number> {
  const browser = new TestBrowser();
  await browser.get("/login/");
  return (await browser.post("/login/", { email, password })).response.status;
}

describe("re-hashing at login", () => {
  it("an m=8192,t=3 hash logs in and is replaced by an m=19456,t=2,p=1 hash of the same password", async () => {
    const { email = "", password = "" } = newUser();
    const { hash: old } = await nodeHash({ password, memoryCost: 8192, timeCost: 3 });
    await createUser({ email, passwordHash: old });

    expect(await login(email, password)).toBe(303);
    const upgraded = (await userByEmail(email))?.password_hash ?? "";
    expect(upgraded).not.toBe(old);
    expect(upgraded).toMatch(CURRENT);
    // Still the same password, as the independent implementation confirms.
    expect(await nodeVerify(upgraded, password)).toMatchObject({ valid: true });

    expect(await login(email, password)).toBe(303);
    expect((await userByEmail(email))?.password_hash).toBe(upgraded);
  });

  it("a wrong password changes nothing", async () => {
    const { email = "", password = "" } = newUser();
    const { hash: old } = await nodeHash({ password, memoryCost: 8192, timeCost: 3 });
    await createUser({ email, passwordHash: old });
    expect(await login(email, "not the password")).toBe(400);
    expect((await userByEmail(email))?.password_hash).toBe(old);
  });

  it("a hash with today's parameters is left alone", async () => {
    const { email = "", password = "" } = newUser();
    const { hash } = await nodeHash({ password });
    await createUser({ email, passwordHash: hash });
    expect(await login(email, password)).toBe(303);
    expect((await userByEmail(email))?.password_hash).toBe(hash);
  });

  it("a non-ASCII password set in Node logs in through the form", async () => {
    const { email = "" } = newUser();
    const password = "Pässwörd 密码 🔑";
    const { hash } = await nodeHash({ password });
    await createUser({ email, passwordHash: hash });
    expect(await login(email, password)).toBe(303);
    expect(await login(email, "Pässwörd 密码 🔒")).toBe(400);
  });
});
