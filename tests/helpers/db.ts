// Direct reads and writes on the test's D1, to check what the app stored (never to stand in for it).
import { env } from "cloudflare:workers";
import { hashPassword } from "~/passwords/password.server";
import { uniqueEmail } from "./browser";

export type UserRow = {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
  previous_login_at: number | null;
  login_count: number;
};

export type SessionRow = {
  id: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  remember: number;
};

export function userByEmail(email: string): Promise<UserRow | null> {
  return env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(email).first<UserRow>();
}

export async function countUsers(email: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE lower(email) = lower(trim(?))")
    .bind(email)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function sessionsOf(email: string): Promise<SessionRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ? ORDER BY s.created_at",
  )
    .bind(email)
    .all<SessionRow>();
  return results;
}

export function sessionById(id: string): Promise<SessionRow | null> {
  return env.DB.prepare("SELECT * FROM sessions WHERE id = ?").bind(id).first<SessionRow>();
}

export type CreatedUser = { user: UserRow; password: string };

/**
 * The one way a test puts a user straight into D1, when how the account came to be is not what it
 * tests: a unique address unless given, the password hashed by the app's own argon2id unless a
 * ready-made `passwordHash` (Node's, werkzeug's, a marker) is given. Returns the stored row and the
 * password that signs in with it.
 */
export async function createUser(
  fields: {
    email?: string;
    firstName?: string;
    lastName?: string;
    password?: string;
    passwordHash?: string;
    lastLoginAt?: number | null;
    loginCount?: number;
  } = {},
): Promise<CreatedUser> {
  const email = fields.email ?? uniqueEmail("created");
  const password = fields.password ?? "correct horse battery";
  const user = await env.DB.prepare(
    "INSERT INTO users (email, first_name, last_name, password_hash, created_at, last_login_at, login_count) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
  )
    .bind(
      email,
      fields.firstName ?? "Test",
      fields.lastName ?? "User",
      fields.passwordHash ?? hashPassword(password),
      Date.now(),
      fields.lastLoginAt ?? null,
      fields.loginCount ?? 0,
    )
    .first<UserRow>();
  if (!user) throw new Error("insert failed");
  return { user, password };
}

export type TokenRow = {
  id: string;
  user_id: number;
  purpose: string;
  data: string | null;
  credential_generation: number;
  created_at: number;
  expires_at: number;
};

/** The tokens of one purpose a user holds, oldest first. */
export async function tokensOf(email: string, purpose: string): Promise<TokenRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT t.* FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.email = ? AND t.purpose = ? ORDER BY t.created_at",
  )
    .bind(email, purpose)
    .all<TokenRow>();
  return results;
}

export function resetTokensOf(email: string): Promise<TokenRow[]> {
  return tokensOf(email, "password_reset");
}

/** Emails of a kind counted against a cap key (a SHA-256, as the app keys them). */
export async function emailsCounted(key: string, purpose: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    "SELECT sent_at FROM email_sends WHERE key = ? AND purpose = ? ORDER BY sent_at",
  )
    .bind(key, purpose)
    .all<{ sent_at: number }>();
  return results.map((row) => row.sent_at);
}

/** Reset emails counted against an address (by its SHA-256, as the app keys them). */
export function resetEmailsCounted(emailHash: string): Promise<number[]> {
  return emailsCounted(emailHash, "password_reset");
}
