// The operator's password reset, `npm run user:password -- EMAIL`, against the running app's local D1:
// the password is hashed in Node with @node-rs/argon2 and must then work in the worker (workerd), and
// it does what a password set in the app does (the same credential change): sessions end, reset links
// are void, the failure count is cleared, the notice "Your password was changed" reaches the user (the
// command runs the app's scheduled handler; without an app to run it, `npm start`'s per-minute run
// sends it); the app's own validation and password policy apply.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { freePort } from "../../harness/ports";
import { waitForHtmlPart } from "./mail";
import { baseURL, operatorCommand, postFormOverHttp, queryD1, registeredUser } from "./support";

const PASSWORD_CHANGED = "Your password was changed";

/** The command for `email`, the password piped in; `port` is where it looks for the app to send the notice. */
function setPassword(email: string, password: string, port?: string) {
  return operatorCommand("user:password", [email], { input: `${password}\n`, port });
}

/** Logs in over HTTP as a browser without JS would; the status tells whether it worked (303) or not (400). */
async function loginStatus(email: string, password: string): Promise<number> {
  return (await postFormOverHttp("/login/", { email, password })).status;
}

describe("npm run user:password", () => {
  it("sets a new password (hashed in Node) that the worker accepts, and the old one stops working", async () => {
    const user = await registeredUser("operator");
    const replacement = "Operator-chosen pässword 2";

    const result = setPassword(user.email.toUpperCase(), replacement);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Password updated for ${user.email}`);
    expect(result.stderr).toBe("");
    expect(result.stdout + result.stderr).not.toContain(replacement);

    expect(await loginStatus(user.email, replacement)).toBe(303);
    expect(await loginStatus(user.email, user.password)).toBe(400);
  });

  it('sends "Your password was changed" to the user, saying the site\'s operator made the change', async () => {
    const user = await registeredUser("operator-notice");

    const result = setPassword(user.email, "Operator-chosen password 4");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`The notice "${PASSWORD_CHANGED}" was sent to their address by the app running at`);

    const html = await waitForHtmlPart(user.email, PASSWORD_CHANGED);
    expect(html).toContain(`Hello ${user.firstName},`);
    expect(html).toContain(`The password of your Edge Auth account (${user.email}) was changed.`);
    expect(html).toContain("The site&#39;s operator, not a device signed in to your account");
    const left = `SELECT count(*) AS n FROM pending_notices JOIN users ON users.id = user_id WHERE email = '${user.email}'`;
    expect(await queryD1(left)).toEqual([[{ n: 0 }]]);
  });

  it("with no app to run the scheduled handler, the notice stays queued and npm start's per-minute run sends it", async () => {
    const user = await registeredUser("operator-later");

    const result = setPassword(user.email, "Operator-chosen password 5", String(await freePort()));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `The notice "${PASSWORD_CHANGED}" is queued: \`npm start\` sends it within a minute`,
    );
    expect(result.stdout).toContain("no app answered there");

    const html = await waitForHtmlPart(user.email, PASSWORD_CHANGED, 75_000);
    expect(html).toContain("The site&#39;s operator");
  }, 90_000);

  it("ends the sessions, voids the reset links and clears the failure count, as a change in the app does", async () => {
    const user = await registeredUser("operator-change");
    const session = await postFormOverHttp("/login/", { email: user.email, password: user.password });
    const cookie = session.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    await postFormOverHttp("/forgot-password/", { email: user.email });
    expect(await loginStatus(user.email, "a wrong password")).toBe(400);
    const accountKey = createHash("sha256").update(user.email).digest("hex");
    const counts = async () =>
      (
        await queryD1<{ generation: number; sessions: number; links: number; checks: number }>(
          "SELECT credential_generation AS generation, " +
            "(SELECT count(*) FROM sessions WHERE user_id = users.id) AS sessions, " +
            "(SELECT count(*) FROM tokens WHERE user_id = users.id AND purpose = 'password_reset') AS links, " +
            `(SELECT count(*) FROM sign_in_attempts WHERE account_key = '${accountKey}') AS checks ` +
            `FROM users WHERE email = '${user.email}'`,
        )
      )[0]?.[0];
    const before = await counts();
    expect(before).toMatchObject({ sessions: 1, links: 1 });
    expect(before?.checks).toBeGreaterThan(0);

    const result = setPassword(user.email, "Operator set this one 3");
    expect(result.status, result.stderr).toBe(0);
    expect(await counts()).toEqual({ generation: (before?.generation ?? 0) + 1, sessions: 0, links: 0, checks: 0 });
    const dash = await fetch(`${baseURL}/dash/`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(dash.status).toBe(303);
  });

  it("refuses an unknown email, a too-short password and a common one with the app's own messages, changing nothing", async () => {
    expect(setPassword("nobody-here@example.com", "long enough password").status).toBe(1);
    const user = await registeredUser("operator-short");
    const short = setPassword(user.email, "short");
    expect(short.status).toBe(1);
    expect(short.stderr).toContain("Password must be at least 8 characters");
    const common = setPassword(user.email, "password1");
    expect(common.status).toBe(1);
    expect(common.stderr).toContain("one of the most common ones");
    expect(await loginStatus(user.email, user.password)).toBe(303);
  });
});
