// scripts/lib/flask-users.ts, the Flask export's reader for `npm run users:import`: columns by name,
// the app's own validation per row, NULL against "", PostgreSQL timestamps, duplicates, and the
// file-level errors that stop an import before anything is written.
import { describe, expect, it } from "vitest";
import { UNUSABLE_PASSWORD_HASH } from "~/passwords/stored-hash.server";
import { readFlaskUsers } from "../../scripts/lib/flask-users";
import { WERKZEUG_3_VECTORS } from "../fixtures/werkzeug-vectors";

const HASH = WERKZEUG_3_VECTORS[1]?.hash ?? "";
const HEADER = "id,email,first_name,last_name,password_hash,last_login_at,login_count";
const read = (text: string, allowUnusable = false) => readFlaskUsers(new TextEncoder().encode(text), { allowUnusable });

describe("readFlaskUsers", () => {
  it("reads a row: address normalised, names kept, the werkzeug hash as it is, the timestamp in UTC", () => {
    const result = read(`${HEADER}\n7,Grace@Example.COM,Grace,"Hopper, R.",${HASH},2021-07-01 12:34:56.789012,7\n`);
    expect(result).toEqual({
      ok: true,
      read: 1,
      skipped: [],
      rows: [
        {
          line: 2,
          email: "grace@example.com",
          firstName: "Grace",
          lastName: "Hopper, R.",
          passwordHash: HASH,
          lastLoginAt: Date.UTC(2021, 6, 1, 12, 34, 56, 789),
          loginCount: 7,
          unusable: false,
        },
      ],
    });
  });

  it("finds columns by name in any order; empty unquoted optional fields are NULL (no login, count 0)", () => {
    const result = read(
      `password_hash,login_count,last_name,email,first_name,last_login_at\n${HASH},,Lovelace,ada@example.com,Ada,\n`,
    );
    expect(result.ok && result.rows[0]).toMatchObject({ email: "ada@example.com", lastLoginAt: null, loginCount: 0 });
  });

  it("applies a timestamp's offset", () => {
    const result = read(`${HEADER}\n1,a@example.com,A,B,${HASH},2021-07-01 12:34:56+05:30,1\n`);
    expect(result.ok && result.rows[0]?.lastLoginAt).toBe(Date.UTC(2021, 6, 1, 7, 4, 56));
  });

  it("skips rows that break a rule, each with its line and reason, and keeps the rest", () => {
    const result = read(
      [
        HEADER,
        `1,not-an-email,A,B,${HASH},,1`,
        `2,b@example.com,,B,${HASH},,1`,
        `3,c@example.com,C,C,md5$whatever,,1`,
        `4,d@example.com,D,D,${HASH},2021-02-31 00:00:00,1`,
        `5,e@example.com,E,E,${HASH},,-3`,
        `6,f@example.com,F,F,${HASH},,2`,
      ].join("\n"),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.skipped.map(({ line, reason }) => [line, reason])).toEqual([
      [2, "invalid email"],
      [3, "invalid first_name"],
      [4, "unknown password hash format"],
      [5, "invalid last_login_at"],
      [6, "invalid login_count"],
    ]);
    expect(result.rows.map((row) => row.email)).toEqual(["f@example.com"]);
  });

  it("with --allow-unusable, an unknown hash is imported as the unusable marker", () => {
    const result = read(`${HEADER}\n1,a@example.com,A,B,md5$whatever,,1\n`, true);
    expect(result.ok && result.rows[0]).toMatchObject({ passwordHash: UNUSABLE_PASSWORD_HASH, unusable: true });
  });

  it("skips every row of an address that appears twice (case aside), naming the other lines", () => {
    const result = read(`${HEADER}\n1,a@example.com,A,B,${HASH},,1\n2,A@EXAMPLE.com,A,B,${HASH},,1\n`);
    expect(result.ok && result.rows).toEqual([]);
    expect(result.ok && result.skipped).toEqual([
      { line: 2, email: "a@example.com", reason: "duplicate email in the file", detail: "also on line 3" },
      { line: 3, email: "a@example.com", reason: "duplicate email in the file", detail: "also on line 2" },
    ]);
  });

  it("refuses the whole file for a missing column, a repeated column, no header, or broken CSV", () => {
    expect(read("email,first_name,last_name\n")).toEqual({
      ok: false,
      error: "the header lacks the required column(s): password_hash",
      line: 1,
    });
    expect(read("email,email,first_name,last_name,password_hash\n")).toMatchObject({ ok: false, line: 1 });
    expect(read("")).toEqual({ ok: false, error: "the file is empty (no header row)", line: 1 });
    expect(read(`${HEADER}\n1,"unterminated,A,B,${HASH},,1\n`)).toMatchObject({ ok: false });
  });
});
