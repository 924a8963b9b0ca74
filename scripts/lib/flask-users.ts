// The Flask site's exported `users` table, read and checked for `npm run users:import`: RFC 4180 CSV
// (csv-parse), columns found by name, every row validated with the app's own registration rules
// (app/validation.ts), hashes recognised by the worker's own parser. Pure: no D1, no files.
import { parse } from "csv-parse/sync";
import { messages } from "~/messages";
import { describeStoredHash, UNUSABLE_PASSWORD_HASH } from "~/passwords/stored-hash.server";
import { EmailSchema, NameSchema } from "~/validation";

const REQUIRED_COLUMNS = ["email", "first_name", "last_name", "password_hash"] as const;
const OPTIONAL_COLUMNS = ["last_login_at", "login_count"] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

type SkipReason =
  | "invalid email"
  | "invalid first_name"
  | "invalid last_name"
  | "unknown password hash format"
  | "password hash cost over the ceilings"
  | "invalid last_login_at"
  | "invalid login_count"
  | "duplicate email in the file"
  | "email already in D1"
  | "imported before, deleted since";

/** A row left out: its line, the email as the row has it (so the operator can find it), why. */
export type Skip = { line: number; email: string; reason: SkipReason; detail?: string };

export type ImportRow = {
  line: number;
  email: string;
  firstName: string;
  lastName: string;
  passwordHash: string;
  /** Milliseconds since the epoch (the app's timestamp_ms), or null. */
  lastLoginAt: number | null;
  loginCount: number;
  /** True when the hash was of an unknown form and is stored as unusable (--allow-unusable). */
  unusable: boolean;
};

export type ReadResult =
  | { ok: true; read: number; rows: ImportRow[]; skipped: Skip[] }
  | { ok: false; error: string; line?: number };

// PostgreSQL's text form of timestamp / timestamptz with DateStyle ISO: `2021-07-01 12:34:56.789012`
// (0 to 6 fractional digits), a timestamptz adds `+00`, `+05:30` or `-03:30:15`.
const PG_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/** A PostgreSQL timestamp text as epoch milliseconds (UTC unless it has an offset; microseconds dropped), or null. */
function parsePostgresTimestamp(text: string): number | null {
  const match = PG_TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = "", sign, oh = "0", om = "0", os = "0"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February over to March: such a date is not a date.
  if (new Date(utc).getUTCDate() !== day) return null;
  const offsetMs = ((Number(oh) * 60 + Number(om)) * 60 + Number(os)) * 1000;
  return sign === "-" ? utc + offsetMs : utc - offsetMs;
}

const COUNT = /^\d{1,9}$/;

/** Line numbers (1-based) of byte offsets in the file. */
function lineCounter(bytes: Uint8Array) {
  const newlines: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) newlines.push(i);
  return (offset: number) => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((newlines[middle] ?? 0) < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}

/** The offset of a record's first byte: after the previous record and any empty lines. */
function recordStart(bytes: Uint8Array, previousEnd: number): number {
  let offset = previousEnd;
  while (bytes[offset] === 0x0a || bytes[offset] === 0x0d) offset++;
  return offset;
}

type Parsed = { record: (string | null)[]; info: { bytes: number } };

/** Reads the whole file; on any CSV error or a missing required column, nothing is returned but the error. */
export function readFlaskUsers(bytes: Uint8Array, options: { allowUnusable: boolean }): ReadResult {
  const lineAt = lineCounter(bytes);
  let records: Parsed[];
  try {
    records = parse(bytes, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      // docs/product.md: an empty unquoted field is NULL; "" (quoted) is an empty string.
      cast: (value, context) => (value === "" && !context.quoting ? null : value),
    }) as unknown as Parsed[];
  } catch (error) {
    const { message, lines } = error as { message: string; lines?: number };
    return { ok: false, error: `not a valid CSV file: ${message}`, line: lines };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, error: "the file is empty (no header row)", line: 1 };
  const names = header.record.map((name) => (name ?? "").trim().toLowerCase());
  const index = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    if (index.has(name)) return { ok: false, error: `the header names the column "${name}" twice`, line: 1 };
    index.set(name, i);
  }
  const missing = REQUIRED_COLUMNS.filter((name) => !index.has(name));
  if (missing.length > 0) {
    return { ok: false, error: `the header lacks the required column(s): ${missing.join(", ")}`, line: 1 };
  }
  const field = (record: (string | null)[], name: Column) => {
    const at = index.get(name);
    return at === undefined ? null : (record[at] ?? null);
  };

  const rows: ImportRow[] = [];
  const skipped: Skip[] = [];
  let previousEnd = header.info.bytes;
  for (const { record, info } of body) {
    const line = lineAt(recordStart(bytes, previousEnd));
    previousEnd = info.bytes;
    const rawEmail = field(record, "email") ?? "";
    const skip = (reason: SkipReason, detail?: string) => skipped.push({ line, email: rawEmail, reason, detail });

    const email = EmailSchema.safeParse(rawEmail);
    if (!email.success) {
      skip("invalid email", email.error.issues[0]?.message);
      continue;
    }
    const firstName = NameSchema(messages.firstNameRequired).safeParse(field(record, "first_name") ?? "");
    if (!firstName.success) {
      skip("invalid first_name", firstName.error.issues[0]?.message);
      continue;
    }
    const lastName = NameSchema(messages.lastNameRequired).safeParse(field(record, "last_name") ?? "");
    if (!lastName.success) {
      skip("invalid last_name", lastName.error.issues[0]?.message);
      continue;
    }
    const storedHash = field(record, "password_hash") ?? "";
    const { kind, format } = describeStoredHash(storedHash);
    const known = kind === "werkzeug";
    if (!known && !options.allowUnusable) {
      const withoutPassword = "import it without a usable password with --allow-unusable";
      if (kind === "over-ceiling") skip("password hash cost over the ceilings", `${format}: ${withoutPassword}`);
      else skip("unknown password hash format", withoutPassword);
      continue;
    }
    const lastLoginText = field(record, "last_login_at");
    const lastLoginAt = lastLoginText === null ? null : parsePostgresTimestamp(lastLoginText);
    if (lastLoginText !== null && lastLoginAt === null) {
      skip("invalid last_login_at", "expected PostgreSQL's form, e.g. 2021-07-01 12:34:56.789012+00");
      continue;
    }
    const countText = field(record, "login_count");
    if (countText !== null && !COUNT.test(countText.trim())) {
      skip("invalid login_count", "expected a whole number of 0 or more");
      continue;
    }
    rows.push({
      line,
      email: email.data,
      firstName: firstName.data,
      lastName: lastName.data,
      passwordHash: known ? storedHash : UNUSABLE_PASSWORD_HASH,
      lastLoginAt,
      loginCount: countText === null ? 0 : Number(countText.trim()),
      unusable: !known,
    });
  }

  // Emails equal once lowercased: every row of such a group is skipped (the operator decides).
  const byEmail = new Map<string, ImportRow[]>();
  for (const row of rows) byEmail.set(row.email, [...(byEmail.get(row.email) ?? []), row]);
  const unique: ImportRow[] = [];
  for (const group of byEmail.values()) {
    if (group.length === 1) unique.push(...group);
    else {
      const lines = group.map((row) => row.line);
      for (const row of group) {
        const others = lines.filter((other) => other !== row.line).join(", ");
        skipped.push({
          line: row.line,
          email: row.email,
          reason: "duplicate email in the file",
          detail: `also on line ${others}`,
        });
      }
    }
  }
  unique.sort((a, b) => a.line - b.line);
  skipped.sort((a, b) => a.line - b.line);
  return { ok: true, read: body.length, rows: unique, skipped };
}

const INSERT_HEAD =
  "INSERT INTO users (email, first_name, last_name, password_hash, created_at, last_login_at, login_count)\n" +
  "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), " +
  "json_extract(value, '$[3]'), ?CREATED?, json_extract(value, '$[4]'), json_extract(value, '$[5]')\nFROM json_each('";
// `WHERE true`: SQLite's grammar needs it between INSERT … SELECT and an upsert clause.
const INSERT_TAIL = "') WHERE true\nON CONFLICT(email) DO NOTHING;";

const REMEMBER_HEAD = "INSERT INTO imported_emails (email_hash, imported_at)\nSELECT value, ?CREATED? FROM json_each('";
const REMEMBER_TAIL = "') WHERE true\nON CONFLICT(email_hash) DO NOTHING;";

/**
 * INSERT statements of many rows each, every one under `maxStatementBytes` (D1 refuses statements
 * over 100 KB, locally too). The rows travel as one JSON string literal per statement, read back
 * with json_each: no bound parameters (D1 allows 100 per statement; `wrangler d1 execute --file`
 * runs plain SQL), and almost nothing outside the quotes, which matters because wrangler splits a
 * file into statements with a scan whose cost grows with the square of the text between quoted
 * strings (multi-row VALUES lists took 6.7 minutes for 100,000 rows; this takes well under one).
 * ON CONFLICT keeps a re-run, or a registration racing the import, harmless. Each users statement
 * is followed by one that remembers its rows' addresses (`emailHashes`, SHA-256 of each row's
 * email, in the same order) in imported_emails, so a later run can tell an address it brought
 * over before: in one file, so in one transaction when D1 imports it.
 */
export function insertStatements(
  rows: ImportRow[],
  emailHashes: string[],
  createdAt: number,
  maxStatementBytes = 90_000,
): { sql: string; rows: number }[] {
  const encoder = new TextEncoder();
  const created = String(Math.trunc(createdAt));
  const head = INSERT_HEAD.replace("?CREATED?", created);
  const rememberHead = REMEMBER_HEAD.replace("?CREATED?", created);
  const fixed = encoder.encode(head + INSERT_TAIL).length + 2;
  const statements: { sql: string; rows: number }[] = [];
  let items: string[] = [];
  let hashes: string[] = [];
  let size = fixed;
  const flush = () => {
    statements.push({ sql: `${head}[${items.join(",")}]${INSERT_TAIL}`, rows: items.length });
    statements.push({ sql: `${rememberHead}[${hashes.join(",")}]${REMEMBER_TAIL}`, rows: 0 });
    items = [];
    hashes = [];
    size = fixed;
  };
  for (const [i, row] of rows.entries()) {
    const item = JSON.stringify([
      row.email,
      row.firstName,
      row.lastName,
      row.passwordHash,
      row.lastLoginAt,
      row.loginCount,
    ]).replaceAll("'", "''");
    const hash = JSON.stringify(emailHashes[i] ?? "");
    // The larger of the two, so that neither statement of the pair grows past the limit.
    const bytes = Math.max(encoder.encode(item).length, hash.length) + 1;
    if (items.length > 0 && size + bytes > maxStatementBytes) flush();
    items.push(item);
    hashes.push(hash);
    size += bytes;
  }
  if (items.length > 0) flush();
  return statements;
}
