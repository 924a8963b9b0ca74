// Direct reads and writes on the test's D1, to check what the app stored (never to stand in for it).
import { env } from "cloudflare:workers";

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

/** Inserts a user with a ready-made password hash (for hashes made elsewhere, e.g. by Node). */
export async function insertUser(fields: {
  email: string;
  passwordHash: string;
  firstName?: string;
  lastName?: string;
}): Promise<number> {
  const row = await env.DB.prepare(
    "INSERT INTO users (email, first_name, last_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
  )
    .bind(fields.email, fields.firstName ?? "Test", fields.lastName ?? "User", fields.passwordHash, Date.now())
    .first<{ id: number }>();
  if (!row) throw new Error("insert failed");
  return row.id;
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
