import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // Always stored trimmed and lowercased; the CHECK keeps every writer honest,
    // so the unique constraint is also case-insensitive.
    email: text("email").notNull().unique(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastLoginAt: integer("last_login_at", { mode: "timestamp_ms" }),
    // The login before the current one, so the dashboard can say when it was.
    previousLoginAt: integer("previous_login_at", { mode: "timestamp_ms" }),
    loginCount: integer("login_count").notNull().default(0),
  },
  (t) => [check("users_email_lowercase", sql`${t.email} = lower(trim(${t.email}))`)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    // SHA-256 (hex) of the random token in the cookie: a leaked table can't be replayed.
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    remember: integer("remember", { mode: "boolean" }).notNull(),
    // Where the session signed in, for the account page's devices list; written at login only, so
    // sessions from before these columns (and requests that carry no such data) leave them NULL.
    /** A short label read from the User-Agent ("Firefox on Linux"), never the header itself. */
    device: text("device"),
    /** Cloudflare's `request.cf.city` and `request.cf.country` (ISO 3166 code) at login. */
    city: text("city"),
    country: text("country"),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_expires_at_idx").on(t.expiresAt)],
);

// Failed logins per account, counted where every isolate and location sees them. Keyed by the
// SHA-256 of the normalised email: attempts on addresses that have no account store no address.
export const loginFailures = sqliteTable(
  "login_failures",
  {
    emailHash: text("email_hash").primaryKey(),
    failures: integer("failures").notNull(),
    windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("login_failures_window_started_at_idx").on(t.windowStartedAt)],
);

// Password-reset links (docs/product.md "Forgot password"). Like sessions, only the SHA-256 (hex) of the
// emailed token is kept, so a leaked table can't be used to reset anyone's password.
export const passwordResetTokens = sqliteTable(
  "password_reset_tokens",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("password_reset_tokens_user_id_idx").on(t.userId),
    index("password_reset_tokens_expires_at_idx").on(t.expiresAt),
  ],
);

// One row per reset email sent, for the per-address cap over a sliding hour. Keyed by the SHA-256
// of the normalised address (as login_failures is), so the table holds no address.
export const passwordResetEmails = sqliteTable(
  "password_reset_emails",
  {
    emailHash: text("email_hash").notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("password_reset_emails_email_hash_sent_at_idx").on(t.emailHash, t.sentAt),
    index("password_reset_emails_sent_at_idx").on(t.sentAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
