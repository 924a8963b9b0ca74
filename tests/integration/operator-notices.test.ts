// The notices of the operator commands (app/email/outbox.server.ts, docs/decisions/016): the SQL that
// `npm run user:password`, `user:two-factor --off` and `users:legacy --expire-older-than` run (the
// app's statements rendered by scripts/lib/) queues the notice with the change; the worker's
// scheduled run sends it through the real send_email binding to the account's address as it is then,
// saying the site's operator made the change, and deletes the row once sent; nothing is sent twice,
// nothing for a deleted account, and a failed send keeps the row for a later run.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliverQueuedNotices } from "~/email/outbox.server";
import { UNUSABLE_PASSWORD_HASH } from "~/passwords/stored-hash.server";
import { turnOffStatements } from "~/two-factor/settings.server";
import worker from "../../app/worker";
import { credentialChangeSql } from "../../scripts/lib/credential-change";
import { type ExpiryCandidate, expiryCandidatesSql, expirySql } from "../../scripts/lib/legacy-expiry";
import { sqlText, statementBuilder } from "../../scripts/lib/statements";
import { createUser, type UserRow } from "../helpers/db";
import { mailTo } from "../helpers/mailbox";

const MINUTE = 60_000;
const PASSWORD_CHANGED = "Your password was changed";
const TWO_FACTOR_OFF = "Two-step verification was turned off";
const OLD_PASSWORD_OFF = "Your old password was turned off";

type QueuedRow = { event: string; created_at: number; claim: string | null; claimed_until: number | null };

function queued(userId: number): Promise<QueuedRow[]> {
  return env.DB.prepare("SELECT event, created_at, claim, claimed_until FROM pending_notices WHERE user_id = ?")
    .bind(userId)
    .all<QueuedRow>()
    .then(({ results }) => results);
}

/** Runs SQL text as `wrangler d1 execute` does: every statement, in order, in one transaction. */
async function execute(statements: string[]): Promise<void> {
  await env.DB.batch(statements.map((text) => env.DB.prepare(text)));
}

/** What `npm run user:password -- EMAIL` runs, rendered exactly as the script renders it. */
async function operatorSetsPassword(user: UserRow, at: Date): Promise<void> {
  const sql = await credentialChangeSql(
    {
      userId: user.id,
      email: user.email,
      set: { passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA" },
      ifGeneration: 0,
      queueNotice: "password_changed",
    },
    at,
  );
  await execute(sql);
}

/** The worker's per-minute Cron Trigger, at `at`. */
function minuteRun(at: Date | number) {
  return worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: new Date(at) }), env);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("notices of the operator commands", () => {
  it("user:password's statements queue the notice with the change; the next run sends it, naming the operator", async () => {
    const { user } = await createUser({ firstName: "Grace", passwordHash: "unusable" });
    const at = new Date("2026-12-05T09:41:30Z");
    await operatorSetsPassword(user, at);
    expect(await queued(user.id)).toMatchObject([{ event: "password_changed", created_at: at.getTime(), claim: null }]);
    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(0);

    await minuteRun(Date.now());

    const { texts, htmls } = await mailTo(user.email, PASSWORD_CHANGED);
    expect(texts).toHaveLength(1);
    const [text = "", html = ""] = [texts[0], htmls[0]];
    expect(text).toContain("Hello Grace,");
    expect(text).toContain(`The password of your Edge Auth account (${user.email}) was changed.`);
    expect(text).toContain("When: 2026-12-05 09:41 UTC");
    expect(text).toContain("By: The site's operator, not a device signed in to your account");
    expect(text).not.toMatch(/Device:|Place:/);
    expect(html).toContain("The site&#39;s operator, not a device signed in to your account");
    expect(text).toContain(`Your account: ${env.APP_ORIGIN}/account/`);
    expect(await queued(user.id)).toEqual([]);

    await minuteRun(Date.now() + MINUTE);
    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(1);
  });

  it('an expired old password: "Your old password was turned off", with a button to choose a new one instead of "if it wasn\'t you"', async () => {
    const oldHash = "pbkdf2:sha256:1000$salt$0123456789abcdef";
    const { user } = await createUser({ firstName: "Linus", passwordHash: oldHash });
    const at = new Date("2026-12-06T08:15:00Z");
    await execute(await expirySql({ ...user, credential_generation: 0 }, new Date(Date.now() + 1), at));
    expect(await queued(user.id)).toMatchObject([{ event: "old_password_expired", created_at: at.getTime() }]);

    await minuteRun(Date.now());

    const { texts, htmls } = await mailTo(user.email, OLD_PASSWORD_OFF);
    expect(texts).toHaveLength(1);
    const [text = "", html = ""] = [texts[0], htmls[0]];
    const forgot = `${env.APP_ORIGIN}/forgot-password/`;
    expect(text).toContain("Hello Linus,");
    expect(text).toContain(
      `The password of your Edge Auth account (${user.email}), the one you used on our old site, was turned off because it had not been used for a long time.`,
    );
    expect(text).toContain("When: 2026-12-06 08:15 UTC");
    expect(text).toContain("By: The site's operator, not a device signed in to your account");
    expect(text).toContain("To sign in again, choose a new password");
    expect(text).toContain(`Choose a new password: ${forgot}`);
    expect(text).toContain(`Your account: ${env.APP_ORIGIN}/account/`);
    expect(html).toContain(`<title>${OLD_PASSWORD_OFF}</title>`);
    expect(html).toMatch(new RegExp(`<a href="${forgot}" class="button"[^>]*>Choose a new password</a>`));
    // The next step replaces "if it wasn't you": nothing here asks them to reset a password they did not change.
    for (const part of [text, html]) {
      expect(part).not.toMatch(/wasn(?:'|&#39;)t you|didn(?:'|&#39;)t ask|nothing to do|Reset your password/);
      expect(part).not.toContain(oldHash);
      expect(part).not.toContain(UNUSABLE_PASSWORD_HASH);
    }
    expect(await queued(user.id)).toEqual([]);
  });

  it("users:legacy --expire-older-than expires and notifies only accounts still dormant: one that signed in or changed meanwhile is left alone", async () => {
    const oldHash = "pbkdf2:sha256:1000$salt$0123456789abcdef";
    const dormant = (await createUser({ passwordHash: oldHash })).user;
    const signedIn = (await createUser({ passwordHash: oldHash })).user;
    const changed = (await createUser({ passwordHash: oldHash })).user;
    const ours = [dormant.id, signedIn.id, changed.id];
    const cutoff = new Date(Date.now() + 1);
    const { results } = await env.DB.prepare(expiryCandidatesSql(cutoff)).all<ExpiryCandidate>();
    const candidates = results.filter((row) => ours.includes(row.id));
    expect(candidates.map((row) => row.id)).toEqual(ours);

    // After the command read them: one owner signs in (the login replaces the old hash, moving no
    // generation), another account's credentials change.
    const argon2 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
    await env.DB.prepare("UPDATE users SET password_hash = ?, last_login_at = ? WHERE id = ?")
      .bind(argon2, Date.now() + 2, signedIn.id)
      .run();
    await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, 0)")
      .bind(`signed-in-${signedIn.id}`, signedIn.id, Date.now(), Date.now() + 60 * MINUTE)
      .run();
    await env.DB.prepare("UPDATE users SET credential_generation = credential_generation + 1 WHERE id = ?")
      .bind(changed.id)
      .run();
    for (const candidate of candidates) await execute(await expirySql(candidate, cutoff));

    const hashes = await env.DB.prepare(
      `SELECT id, password_hash FROM users WHERE id IN (${ours.join(", ")}) ORDER BY id`,
    )
      .all<{ id: number; password_hash: string }>()
      .then((rows) => rows.results.map((row) => row.password_hash));
    expect(hashes).toEqual([UNUSABLE_PASSWORD_HASH, argon2, oldHash]);
    expect(await queued(dormant.id)).toMatchObject([{ event: "old_password_expired" }]);
    expect(await queued(signedIn.id)).toEqual([]);
    expect(await queued(changed.id)).toEqual([]);
    const sessions = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
      .bind(signedIn.id)
      .first<{ n: number }>();
    expect(sessions).toEqual({ n: 1 });
  });

  it("a change that writes nothing (another change came first) queues nothing", async () => {
    const { user } = await createUser({ passwordHash: "unusable" });
    await env.DB.prepare("UPDATE users SET credential_generation = 1 WHERE id = ?").bind(user.id).run();
    await operatorSetsPassword(user, new Date());
    expect(await queued(user.id)).toEqual([]);
  });

  it("user:two-factor --off's statements queue the notice; it goes to the address and name the account has when it is sent", async () => {
    const { user } = await createUser({ firstName: "Ada", passwordHash: "unusable" });
    await env.DB.prepare("UPDATE users SET totp_secret = 'sealed' WHERE id = ?").bind(user.id).run();
    const statements = await turnOffStatements(
      statementBuilder(),
      { userId: user.id, email: user.email },
      new Date(),
      "operator",
    );
    await execute(statements.map(sqlText));
    expect(await queued(user.id)).toMatchObject([{ event: "two_factor_disabled" }]);
    // The owner changes address and name before the run comes.
    const moved = `moved-${user.email}`;
    await env.DB.prepare("UPDATE users SET email = ?, first_name = 'Augusta' WHERE id = ?").bind(moved, user.id).run();

    await minuteRun(Date.now());

    expect((await mailTo(user.email, TWO_FACTOR_OFF)).texts).toHaveLength(0);
    const { texts } = await mailTo(moved, TWO_FACTOR_OFF);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("Hello Augusta,");
    expect(texts[0]).toContain(`Two-step verification was turned off for your Edge Auth account (${moved}).`);
    expect(texts[0]).toContain("By: The site's operator");
    expect(await queued(user.id)).toEqual([]);
  });

  it("a deleted account's notices go with it: nothing is sent", async () => {
    const { user } = await createUser({ passwordHash: "unusable" });
    await operatorSetsPassword(user, new Date());
    expect(await queued(user.id)).toHaveLength(1);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(user.id).run();
    expect(await queued(user.id)).toEqual([]);

    await minuteRun(Date.now());
    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(0);
  });

  it("a failed send keeps the row (logging no address); it is tried again once its claim has run out", async () => {
    const { user } = await createUser({ passwordHash: "unusable" });
    await operatorSetsPassword(user, new Date());
    const errors = vi.spyOn(console, "error");
    const now = Date.now();
    // MAIL_FROM missing, as in a deploy without it: the binding is never reached, the send fails.
    const { MAIL_FROM: _, ...misconfigured } = env;
    await deliverQueuedNotices(misconfigured as Env, new Date(now));

    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(0);
    const [row] = await queued(user.id);
    expect(row?.claimed_until).toBe(now + 5 * MINUTE);
    const logged = errors.mock.calls.map((call) => String(call[0]));
    expect(logged.some((line) => line.includes('"event":"email_failed"'))).toBe(true);
    expect(logged.some((line) => line.includes('"event":"operator_notices"') && line.includes('"failed":1'))).toBe(
      true,
    );
    for (const line of logged) expect(line).not.toContain(user.email);

    // Still claimed: a run within the 5 minutes leaves it alone.
    await minuteRun(now + 4 * MINUTE);
    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(0);
    await minuteRun(now + 5 * MINUTE);
    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(1);
    expect(await queued(user.id)).toEqual([]);
  });

  it("two runs at once (the hourly and the per-minute one at :17) send a notice once", async () => {
    const { user } = await createUser({ passwordHash: "unusable" });
    await operatorSetsPassword(user, new Date());
    const now = Date.now();
    await Promise.all([
      minuteRun(now),
      worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: new Date(now) }), env),
    ]);
    expect((await mailTo(user.email, PASSWORD_CHANGED)).texts).toHaveLength(1);
    expect(await queued(user.id)).toEqual([]);
  });

  it("the per-minute run sends notices only; the hourly one also sweeps", async () => {
    const { user } = await createUser({ passwordHash: "unusable" });
    const now = Date.now();
    await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, 0)")
      .bind(`expired-${user.id}`, user.id, now - 2 * 24 * 60 * MINUTE, now - MINUTE)
      .run();
    const left = () =>
      env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE id = ?")
        .bind(`expired-${user.id}`)
        .first<{ n: number }>();
    await minuteRun(now);
    expect(await left()).toEqual({ n: 1 });
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: new Date(now) }), env);
    expect(await left()).toEqual({ n: 0 });
  });
});
