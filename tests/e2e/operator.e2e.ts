// The operator's password reset, `npm run user:password -- EMAIL`, against the running app's local D1:
// the password is hashed in Node with @node-rs/argon2 and must then work in the worker (workerd).
import { spawnSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { newUser, postFormOverHttp, registerOverHttp } from "./support";

function setPassword(email: string, password: string) {
  return spawnSync("npm", ["run", "-s", "user:password", "--", email], {
    input: `${password}\n`,
    encoding: "utf8",
    env: { ...process.env, PERSIST_TO: inject("persistDir"), CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
}

/** Logs in over HTTP as a browser without JS would; the status tells whether it worked (303) or not (400). */
async function loginStatus(email: string, password: string): Promise<number> {
  return (await postFormOverHttp("/login/", { email, password })).status;
}

describe("npm run user:password", () => {
  it("sets a new password (hashed in Node) that the worker accepts, and the old one stops working", async () => {
    const user = newUser("operator");
    await registerOverHttp(user);
    const replacement = "Operator-chosen pässword 2";

    const result = setPassword(user.email.toUpperCase(), replacement);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Password updated for ${user.email}`);
    expect(result.stdout + result.stderr).not.toContain(replacement);

    expect(await loginStatus(user.email, replacement)).toBe(303);
    expect(await loginStatus(user.email, user.password)).toBe(400);
  });

  it("refuses an unknown email and a too-short password, changing nothing", async () => {
    expect(setPassword("nobody-here@example.com", "long enough password").status).toBe(1);
    const user = newUser("operator-short");
    await registerOverHttp(user);
    const short = setPassword(user.email, "short");
    expect(short.status).toBe(1);
    expect(short.stderr).toContain("8 to 128 characters");
    expect(await loginStatus(user.email, user.password)).toBe(303);
  });
});
