// docs/product.md "Data": what the migrations in migrations/ (applied to this D1 by tests/setup) enforce on their
// own, whatever code writes to the tables: unique lowercased emails, sessions deleted with their user.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

let n = 0;
const email = () => `schema-${Date.now()}-${++n}@example.com`;

function insertUser(address: string) {
  return env.DB.prepare(
    "INSERT INTO users (email, first_name, last_name, password_hash, created_at) VALUES (?, 'A', 'B', 'x', 0) RETURNING id",
  )
    .bind(address)
    .first<{ id: number }>();
}

describe("users", () => {
  it("has the columns of docs/product.md", async () => {
    const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info('users')").all<{ name: string }>();
    expect(results.map((column) => column.name)).toEqual(
      expect.arrayContaining([
        "id",
        "email",
        "first_name",
        "last_name",
        "password_hash",
        "created_at",
        "last_login_at",
        "login_count",
      ]),
    );
  });

  it("a unique index refuses a second row with the same email", async () => {
    const address = email();
    await insertUser(address);
    await expect(insertUser(address)).rejects.toThrow(/UNIQUE/);
  });

  it("a CHECK refuses an email that is not lowercased and trimmed (so uniqueness is case-insensitive)", async () => {
    await expect(insertUser(email().toUpperCase())).rejects.toThrow(/CHECK/);
    await expect(insertUser(` ${email()}`)).rejects.toThrow(/CHECK/);
  });

  it("login_count starts at 0", async () => {
    const address = email();
    await insertUser(address);
    const row = await env.DB.prepare("SELECT login_count, last_login_at FROM users WHERE email = ?")
      .bind(address)
      .first();
    expect(row).toEqual({ login_count: 0, last_login_at: null });
  });
});

describe("sessions", () => {
  it("has the columns of docs/product.md", async () => {
    const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info('sessions')").all<{ name: string }>();
    expect(results.map((column) => column.name).sort()).toEqual([
      "city",
      "confirmed_at",
      "country",
      "created_at",
      "credential_generation",
      "device",
      "expires_at",
      "id",
      "remember",
      "user_id",
    ]);
  });

  it("the devices list's columns (migration 0002) are nullable: sessions from before it still load", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name, \"notnull\" AS required FROM pragma_table_info('sessions') WHERE name IN ('device', 'city', 'country')",
    ).all<{ name: string; required: number }>();
    expect(results.map((column) => column.required)).toEqual([0, 0, 0]);
  });

  it("a row must belong to an existing user", async () => {
    await expect(
      env.DB.prepare(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES ('x', -1, 0, 0, 0)",
      ).run(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it("rows are deleted with their user (ON DELETE CASCADE)", async () => {
    const user = await insertUser(email());
    await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, 0, 0, 0)")
      .bind(`cascade-${user?.id}`, user?.id)
      .run();
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(user?.id).run();
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
      .bind(user?.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
