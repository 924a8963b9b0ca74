// `npm run user:password -- EMAIL [--remote]`: set a user's password without the web UI.
// Prompts twice (or reads one line from a pipe), hashes in Node with @node-rs/argon2, then updates
// the row and ends the user's sessions with `wrangler d1 execute` (--local unless --remote).
import { spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { Algorithm, hash } from "@node-rs/argon2";

// The same figures as config.argon2 in app/config.ts (a hash made otherwise is upgraded at next login).
const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const MIN = 8;
const MAX = 128;

function fail(message) {
  console.error(`user:password: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const remote = args.includes("--remote");
const email = args
  .find((arg) => !arg.startsWith("--"))
  ?.trim()
  .toLowerCase();
if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail("usage: npm run user:password -- EMAIL [--remote]");

/** Reads a line; on a terminal the typed characters are not echoed. */
function ask(prompt) {
  return new Promise((resolve) => {
    // Piped input (scripts, tests) gets no prompt; a terminal gets one with echo off.
    const rl = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stdout : undefined });
    if (process.stdin.isTTY) {
      rl._writeToOutput = (text) => {
        if (text.startsWith(prompt)) process.stdout.write(prompt);
      };
    }
    rl.question(prompt, (answer) => {
      rl.close();
      if (process.stdin.isTTY) process.stdout.write("\n");
      resolve(answer);
    });
  });
}

const password = await ask("New password: ");
if (process.stdin.isTTY && (await ask("Repeat it: ")) !== password) fail("the passwords do not match");
if (password.length < MIN || password.length > MAX) fail(`the password must be ${MIN} to ${MAX} characters`);

const passwordHash = await hash(password, ARGON2);
const quoted = (text) => `'${text.replaceAll("'", "''")}'`;
const sql = [
  `UPDATE users SET password_hash = ${quoted(passwordHash)} WHERE email = ${quoted(email)} RETURNING id;`,
  // A new password ends every session that the old one opened.
  `DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE email = ${quoted(email)});`,
].join(" ");

const persist = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];
const result = spawnSync(
  "npx",
  ["wrangler", "d1", "execute", "DB", remote ? "--remote" : "--local", ...persist, "--json", "--command", sql],
  { encoding: "utf8" },
);
if (result.status !== 0) fail(`wrangler d1 execute failed:\n${result.stderr || result.stdout}`);

const [update] = JSON.parse(result.stdout);
if (!update?.results?.length) fail(`no user with the email ${email}`);
console.log(`Password updated for ${email} (${remote ? "remote" : "local"} database); their sessions were ended.`);
