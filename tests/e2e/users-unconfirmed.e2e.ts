// `npm run users:unconfirmed` against the running app's local D1, as an operator runs it: the dry
// run's counts by age, `--older-than DAYS` listing (by id and dates, never an address) exactly the
// unconfirmed accounts over DAYS days old with no sign-in since, `--delete` asking first and
// `--delete --yes` deleting exactly those, and bad arguments refused with the usage line.
import { describe, expect, it } from "vitest";
import { newUser, operatorCommand, postFormOverHttp, queryD1, registerOverHttp } from "./support";

const DAY_MS = 24 * 60 * 60 * 1000;
// Older than anything else this run's D1 holds (the Flask import's accounts included), so the
// listing and the deletion are exactly the accounts this test made old.
const DAYS = 20_000;

const unconfirmed = (args: string[], input = "") => operatorCommand("users:unconfirmed", args, { input });

async function idOf(email: string): Promise<number | undefined> {
  const [rows] = await queryD1<{ id: number }>(`SELECT id FROM users WHERE email = '${email}'`);
  return rows?.[0]?.id;
}

describe("npm run users:unconfirmed", () => {
  it("lists by age (a dry run), deletes only old unconfirmed accounts with no sign-in since, and only when told", async () => {
    // stale: old, unconfirmed, never signed in. active: as old, but signed in lately. confirmed: old
    // and confirmed. fresh: unconfirmed, made now.
    const [stale, active, confirmed, fresh] = ["stale", "active", "confirmed", "fresh"].map((tag) =>
      newUser(`unconfirmed-${tag}`),
    );
    if (!stale || !active || !confirmed || !fresh) throw new Error("four users");
    for (const user of [stale, active, confirmed, fresh]) await registerOverHttp(user);
    expect((await postFormOverHttp("/login/", { email: active.email, password: active.password })).status).toBe(303);
    const old = Date.now() - (DAYS + 100) * DAY_MS;
    const emails = (...users: { email: string }[]) => users.map((user) => `'${user.email}'`).join(", ");
    await queryD1(`UPDATE users SET created_at = ${old} WHERE email IN (${emails(stale, active, confirmed)})`);
    await queryD1(`UPDATE users SET email_confirmed_at = ${Date.now()} WHERE email = '${confirmed.email}'`);
    const ids = {
      stale: await idOf(stale.email),
      active: await idOf(active.email),
      confirmed: await idOf(confirmed.email),
      fresh: await idOf(fresh.email),
    };

    // Counts by age; no address in the output.
    const counts = unconfirmed([]);
    expect(counts.status, counts.out).toBe(0);
    expect(counts.out).toMatch(/address not confirmed: +\d+/);
    expect(counts.out).toMatch(/under a day old: \d+/);
    expect(counts.out).toMatch(/over a year old: \d+/);

    // --older-than: a dry run listing the stale account only.
    const listed = unconfirmed(["--older-than", String(DAYS)]);
    expect(listed.status, listed.out).toBe(0);
    expect(listed.out).toContain(`1 unconfirmed accounts created over ${DAYS} days ago, with no sign-in since:`);
    expect(listed.out).toMatch(new RegExp(`id ${ids.stale}: created \\d{4}-\\d\\d-\\d\\d, last signed in never`));
    expect(listed.out).toContain("A dry run: nothing deleted.");
    for (const user of [stale, active, confirmed, fresh]) expect(listed.out).not.toContain(user.email);
    expect(await idOf(stale.email)).toBe(ids.stale);

    // --delete asks; anything but "yes" deletes nothing.
    const declined = unconfirmed(["--older-than", String(DAYS), "--delete"], "no\n");
    expect(declined.status).toBe(1);
    expect(declined.out).toContain("not confirmed; nothing deleted");
    expect(await idOf(stale.email)).toBe(ids.stale);

    // --delete --yes: exactly the listed account goes; a login with it no longer works.
    const deleted = unconfirmed(["--older-than", String(DAYS), "--delete", "--yes"]);
    expect(deleted.status, deleted.out).toBe(0);
    expect(deleted.out).toContain("Deleted 1 unconfirmed accounts from");
    expect(await idOf(stale.email)).toBeUndefined();
    expect(await idOf(active.email)).toBe(ids.active);
    expect(await idOf(confirmed.email)).toBe(ids.confirmed);
    expect(await idOf(fresh.email)).toBe(ids.fresh);
    expect((await postFormOverHttp("/login/", { email: stale.email, password: stale.password })).status).toBe(400);

    // Run again: nothing left to delete.
    const again = unconfirmed(["--older-than", String(DAYS), "--delete", "--yes"]);
    expect(again.status, again.out).toBe(0);
    expect(again.out).toContain("nothing to delete");
    // Each run starts wrangler (several seconds on a busy machine); the test makes seven.
  }, 240_000);

  it("refuses bad arguments with the usage line, and --delete without --older-than", () => {
    for (const args of [["--older-than"], ["--older-than", "soon"], ["--older-than", "-3"], ["--frobnicate"]]) {
      const refused = unconfirmed(args);
      expect(refused.status, args.join(" ")).toBe(2);
      expect(refused.out).toContain("usage: npm run users:unconfirmed");
    }
    const unbounded = unconfirmed(["--delete", "--yes"]);
    expect(unbounded.status).toBe(2);
    expect(unbounded.out).toContain("--delete needs --older-than DAYS");
  }, 120_000);
});
