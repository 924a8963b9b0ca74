// The app's argon2id (a wasm build, here in workerd) against an independent implementation
// (@node-rs/argon2, native, in Node via the NODE_ARGON2 service of vitest.config.ts), both ways.
// docs/product.md "Passwords": a hash made elsewhere (e.g. by `npm run user:password`) verifies in the worker,
// and the worker's hashes are standard PHC strings any argon2 library reads.
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "~/passwords/password.server";
import { nodeHash, nodeParse, nodeVerify } from "../helpers/node-argon2";

// Non-ASCII on purpose: UTF-8 is the interchange format, and a byte count taken from UTF-16 would differ.
const PASSWORD = "Tr0ub4dor & 3 — ünïcode 🔑 密码";
const ASCII_PASSWORD = "correct horse battery staple";

describe("the two runtimes are really two", () => {
  it("the reference runs in Node, the app's hashing in workerd", async () => {
    const { runtime } = await nodeHash({ password: "x", memoryCost: 1024, timeCost: 1 });
    expect(runtime).toMatch(/^node \d+\./);
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
  });
});

describe("Node → workerd: @node-rs/argon2 hashes verify in the app", () => {
  it("an ASCII password", async () => {
    const { hash } = await nodeHash({ password: ASCII_PASSWORD });
    expect(verifyPassword(hash, ASCII_PASSWORD)).toBe(true);
  });

  it("a hash with the app's parameters verifies, and is not flagged for a re-hash", async () => {
    const { hash } = await nodeHash({ password: PASSWORD });
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(verifyPassword(hash, PASSWORD)).toBe(true);
    expect(verifyPassword(hash, `${PASSWORD}!`)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("a hash with other parameters (m=8192,t=3) still verifies, and is flagged for a re-hash", async () => {
    const { hash } = await nodeHash({ password: PASSWORD, memoryCost: 8192, timeCost: 3 });
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,t=3,p=1\$/);
    expect(verifyPassword(hash, PASSWORD)).toBe(true);
    expect(verifyPassword(hash, "wrong")).toBe(false);
    expect(needsRehash(hash)).toBe(true);
  });
});

describe("workerd → Node: the app's hashes verify in @node-rs/argon2", () => {
  it("an ASCII password", async () => {
    const hash = hashPassword(ASCII_PASSWORD);
    expect(await nodeVerify(hash, ASCII_PASSWORD)).toMatchObject({ valid: true });
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const hash = hashPassword(PASSWORD);
    expect(await nodeVerify(hash, PASSWORD)).toMatchObject({ valid: true });
    expect(await nodeVerify(hash, "wrong")).toMatchObject({ valid: false });
  });

  it("reads the parameters docs/product.md asks for: m=19456, t=2, p=1, a 16-byte salt, a 32-byte hash", async () => {
    const parsed = await nodeParse(hashPassword(PASSWORD));
    expect(parsed).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1, saltLen: 16, outputLen: 32 });
  });
});
