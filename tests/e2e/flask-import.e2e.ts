// docs/product.md "Bringing the Flask site's users over", end to end against `npm start`: `npm run users:import`
// writes into the running app's local D1 (PERSIST_TO), an imported user signs in over HTTP with the
// old password (a werkzeug hash made by the real werkzeug, Debian's python3-werkzeug), sees the login
// history go on, and the stored hash becomes argon2id. Also the importer's file handling and reports,
// and `npm run users:legacy`: the report, and expiring the old hashes with the notice to each holder.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cookiesFrom, FormClient } from "../../harness/http-client";
import { waitForHtmlPart } from "./mail";
import { baseURL, operatorCommand, postFormOverHttp, queryD1 } from "./support";

const dir = mkdtempSync(join(tmpdir(), "flask-import-"));
const HEADER = "id,email,first_name,last_name,password_hash,last_login_at,login_count";
const OLD_PASSWORD_OFF = "Your old password was turned off";
let fileNumber = 0;

/** Runs the importer on `csv` (written to `file`, a new one unless given), with TMPDIR `tmp` when given. */
function usersImport(csv: string | Buffer, flags: string[] = [], { file = "", tmp = "" } = {}) {
  const path = file || join(dir, `users-${++fileNumber}.csv`);
  writeFileSync(path, csv);
  const { status, out } = operatorCommand("users:import", [path, ...flags], { env: tmp ? { TMPDIR: tmp } : {} });
  const reportPath = /Report of skipped rows: (.+)/.exec(out)?.[1] ?? "";
  const report = () => readFileSync(reportPath, "utf8").trim().split("\n").slice(1);
  return { status, out, reportPath, report };
}

/** A hash from the real werkzeug (Debian's python3-werkzeug 2.2 at /usr/bin/python3). */
function werkzeugHash(password: string, method: string): string {
  return execFileSync(
    "/usr/bin/python3",
    [
      "-c",
      "import sys; from werkzeug.security import generate_password_hash as g; print(g(sys.argv[1], sys.argv[2]))",
      password,
      method,
    ],
    { encoding: "utf8" },
  ).trim();
}

async function logIn(email: string, password: string): Promise<{ status: number; cookie: string }> {
  const client = new FormClient(baseURL);
  await client.get("/login/");
  const { response } = await client.post("/login/", { email, password });
  return { status: response.status, cookie: cookiesFrom(response) };
}

async function dashText(cookie: string): Promise<string> {
  const html = await (await fetch(`${baseURL}/dash/`, { headers: { Cookie: cookie } })).text();
  return html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

async function storedUser(email: string) {
  const [rows] = await queryD1<{ password_hash: string; login_count: number }>(
    `SELECT password_hash, login_count FROM users WHERE email = '${email}'`,
  );
  return rows?.[0];
}

const stamp = Date.now().toString(36);

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("npm run users:import, then the first login", () => {
  it("imports a Flask user who logs in with the old password; the count and previous login go on; the hash becomes argon2id", async () => {
    const email = `flask-${stamp}@example.com`;
    const password = "pässwörd from Flask 1";
    // werkzeug 2.2's default: PBKDF2 above production's WebCrypto cap, so the worker's pure-JS path.
    const hash = werkzeugHash(password, "pbkdf2:sha256:260000");
    const imported = usersImport(
      `${HEADER}\n7,${email.toUpperCase()},Grace,Hopper,${hash},2021-07-01 12:34:56.789012,7\n`,
    );
    expect(imported.status, imported.out).toBe(0);
    expect(imported.out).toMatch(/imported: 1\b/);

    expect((await logIn(email, "not the old password")).status).toBe(400);
    const first = await logIn(email, password);
    expect(first.status).toBe(303);
    const dash = await dashText(first.cookie);
    expect(dash).toContain("Logins: 8");
    expect(dash).toContain("Previous login: 1 Jul 2021, 12:34 UTC");
    const upgraded = await storedUser(email);
    expect(upgraded?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const second = await logIn(email, password);
    expect(second.status).toBe(303);
    expect(await dashText(second.cookie)).toContain("Logins: 9");
    expect((await storedUser(email))?.password_hash).toBe(upgraded?.password_hash);
  });
});

describe("npm run users:import, the file", () => {
  const hash = werkzeugHash("whatever 123", "pbkdf2:sha1:1000");

  it("reads RFC 4180 (BOM, CRLF, quotes, commas and newlines inside quotes), columns in any order", async () => {
    const email = `rfc-${stamp}@example.com`;
    const csv = `\uFEFFpassword_hash,login_count,last_name,first_name,email,id\r\n${hash},,"O""Brien, Jr.","Mary\r\nAnn",${email},1\r\n`;
    const result = usersImport(csv);
    expect(result.status, result.out).toBe(0);
    const [rows] = await queryD1<Record<string, unknown>>(
      `SELECT first_name, last_name, login_count, last_login_at FROM users WHERE email = '${email}'`,
    );
    expect(rows).toEqual([
      { first_name: "Mary\r\nAnn", last_name: 'O"Brien, Jr.', login_count: 0, last_login_at: null },
    ]);
  });

  it("skips and reports every bad row with the line it starts on; a dry run writes nothing; a re-run imports nothing", async () => {
    const e = (tag: string) => `${tag}-${stamp}@example.com`;
    const lines = [
      HEADER,
      `1,${e("good")},Good,Row,${hash},2021-07-01 12:34:56+05:30,3`,
      `2,not-an-email,A,B,${hash},,`,
      `3,${e("nofirst")},"  ",B,${hash},,`,
      `4,${e("longlast")},A,${"x".repeat(101)},${hash},,`,
      `5,${e("bcrypt")},A,B,$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW,,`,
      `6,${e("when")},A,B,${hash},yesterday,`,
      `7,${e("count")},A,B,${hash},,-1`,
      `8,${e("twin")},"Two`,
      `lines",B,${hash},,`,
      `9,${e("TWIN")},A,B,${hash},,`,
    ];
    const csv = `${lines.join("\n")}\n`;
    const dry = usersImport(csv, ["--dry-run"]);
    expect(dry.status, dry.out).toBe(0);
    expect(dry.out).toContain("would import: 1");
    expect(dry.report()).toEqual([
      `3,not-an-email,invalid email,"Enter a valid email address, like name@example.com"`,
      `4,${e("nofirst")},invalid first_name,Enter your first name`,
      `5,${e("longlast")},invalid last_name,Must be at most 100 characters`,
      `6,${e("bcrypt")},unknown password hash format,import it without a usable password with --allow-unusable`,
      `7,${e("when")},invalid last_login_at,"expected PostgreSQL's form, e.g. 2021-07-01 12:34:56.789012+00"`,
      `8,${e("count")},invalid login_count,expected a whole number of 0 or more`,
      `9,${e("twin")},duplicate email in the file,also on line 11`,
      `11,${e("twin")},duplicate email in the file,also on line 9`,
    ]);
    expect(await storedUser(e("good"))).toBeUndefined();

    const real = usersImport(csv, ["--allow-unusable"]);
    expect(real.status, real.out).toBe(0);
    expect(real.out).toMatch(/imported: 2\b/);
    expect((await storedUser(e("good")))?.login_count).toBe(3);
    expect((await storedUser(e("bcrypt")))?.password_hash).toBe("!no-usable-password");
    expect((await logIn(e("bcrypt"), "!no-usable-password")).status).toBe(400);

    const again = usersImport(csv, ["--allow-unusable"]);
    expect(again.status, again.out).toBe(0);
    expect(again.out).toMatch(/imported: 0\b/);
    expect(again.report()).toContain(`2,${e("good")},email already in D1,`);
  });

  it("stops before writing anything on a file that is not CSV or lacks a column, naming the line", async () => {
    const email = `malformed-${stamp}@example.com`;
    const unclosed = usersImport(`${HEADER}\n1,${email},A,B,${hash},,\n2,"x@example.com,A,B,${hash},,\n`);
    expect(unclosed.status).toBe(1);
    expect(unclosed.out).toMatch(/line \d+: not a valid CSV file/);
    const ragged = usersImport(`${HEADER}\n1,${email},A,B,${hash},,\n2,x@example.com,A\n`);
    expect(ragged.status).toBe(1);
    expect(ragged.out).toContain("line 3");
    const missing = usersImport(`email,first_name,last_name\n${email},A,B\n`);
    expect(missing.status).toBe(1);
    expect(missing.out).toContain("lacks the required column(s): password_hash");
    expect(await storedUser(email)).toBeUndefined();
    expect(usersImport("", ["--bogus"]).status).toBe(2);
  });
});

describe("npm run users:import, run again and when a write fails", () => {
  const hash = werkzeugHash("whatever 456", "pbkdf2:sha1:1000");

  it("a second run of the same export does not bring back an account deleted since, and keeps the first report", async () => {
    const kept = `kept-${stamp}@example.com`;
    const deleted = `deleted-${stamp}@example.com`;
    const csv = `${HEADER}\n1,${kept},A,B,${hash},,\n2,${deleted},C,D,${hash},,\n3,not-an-email,E,F,${hash},,\n`;
    const file = join(dir, `rerun-${stamp}.csv`);
    const first = usersImport(csv, [], { file });
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/imported: 2\b/);
    const firstReport = readFileSync(first.reportPath, "utf8");
    const [hashes] = await queryD1<{ n: number }>(
      `SELECT count(*) AS n FROM imported_emails WHERE email_hash IN ('${sha256(kept)}', '${sha256(deleted)}')`,
    );
    expect(hashes).toEqual([{ n: 2 }]);

    await queryD1(`DELETE FROM users WHERE email = '${deleted}'`);
    const second = usersImport(csv, [], { file });
    expect(second.status, second.out).toBe(0);
    expect(second.out).toMatch(/imported: 0\b/);
    expect(await storedUser(deleted)).toBeUndefined();
    expect(second.report()).toEqual([
      `2,${kept},email already in D1,`,
      `3,${deleted},"imported before, deleted since",`,
      '4,not-an-email,invalid email,"Enter a valid email address, like name@example.com"',
    ]);
    expect(second.reportPath).not.toBe(first.reportPath);
    expect(readFileSync(first.reportPath, "utf8")).toBe(firstReport);
  });

  it("a write that fails leaves no batch file behind (the emails, names and hashes in them)", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "import-tmpdir-"));
    const email = `refused-${stamp}@example.com`;
    await queryD1(
      "CREATE TRIGGER refuse_test_import BEFORE INSERT ON users WHEN NEW.first_name = 'RefuseMe' " +
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    );
    try {
      const failed = usersImport(`${HEADER}\n1,${email},RefuseMe,B,${hash},,\n`, [], { tmp });
      expect(failed.status, failed.out).toBe(1);
      expect(failed.out).toContain("0 of 1 rows were written before this");
      expect(readdirSync(tmp).filter((name) => name.startsWith("users-import-"))).toEqual([]);
      expect(await storedUser(email)).toBeUndefined();
    } finally {
      await queryD1("DROP TRIGGER refuse_test_import");
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("npm run users:legacy", () => {
  it("counts the Flask-site hashes by format, expires them only after confirmation, and tells each holder", async () => {
    const legacy = (...args: string[]) => operatorCommand("users:legacy", args, { input: "no\n" });
    const report = legacy();
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/pbkdf2:sha1:1000: \d+/);
    // Just imported: nobody is older than a day on this site, so nothing expires.
    const none = legacy("--expire-older-than", "1", "--yes");
    expect(none.stdout).toContain("nothing to expire");
    const refused = legacy("--expire-older-than", "0");
    expect(refused.status).toBe(1);
    expect(legacy().stdout).toMatch(/pbkdf2:sha1:1000: [1-9]/);
    // One of them with a reset link outstanding: the expiry is a credential change, so the link dies with the hash.
    const holder = (
      await queryD1<{ email: string }>(
        "SELECT email FROM users WHERE password_hash LIKE 'pbkdf2:%' ORDER BY id LIMIT 1",
      )
    )[0]?.[0];
    await postFormOverHttp("/forgot-password/", { email: holder?.email ?? "" });
    const links = async () =>
      (
        await queryD1<{ n: number }>(
          `SELECT count(*) AS n FROM tokens JOIN users ON users.id = tokens.user_id WHERE users.email = '${holder?.email}'`,
        )
      )[0]?.[0]?.n;
    expect(await links()).toBe(1);
    const expired = legacy("--expire-older-than", "0", "--yes");
    expect(expired.status, expired.stderr).toBe(0);
    expect(expired.stdout).toMatch(/Expired [1-9]\d* old hashes/);
    expect(await links()).toBe(0);
    expect(legacy().stdout).toContain("still on a Flask-site hash:  0");

    // Each holder is told, and pointed at "Forgot your password?": the command ran the app's
    // scheduled handler, which sent the notices queued with the changes.
    expect(expired.stdout).toMatch(
      new RegExp(
        `The notice "${OLD_PASSWORD_OFF}" was sent to (their address|all \\d+ accounts) by the app running at`,
      ),
    );
    const notice = await waitForHtmlPart(holder?.email ?? "", OLD_PASSWORD_OFF);
    expect(notice).toContain(
      `(${holder?.email}), the one you used on our old site, was turned off because it had not been used for a long time.`,
    );
    expect(notice).toMatch(
      /<a href="http:\/\/[^"]+\/forgot-password\/" class="button"[^>]*>Choose a new password<\/a>/,
    );
    expect(notice).not.toMatch(/wasn&#39;t you|didn&#39;t ask/);
    const left = `SELECT count(*) AS n FROM pending_notices JOIN users ON users.id = user_id WHERE email = '${holder?.email}'`;
    expect(await queryD1(left)).toEqual([[{ n: 0 }]]);
    // Six runs of the command and five looks into D1, each a wrangler start: over a minute on a busy 2-core machine.
  }, 180_000);
});
