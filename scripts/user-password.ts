// `npm run user:password -- EMAIL [--remote]`: sets a user's password without the web UI, the way the
// app sets one (app/auth/credentials.server.ts): the same validation (app/validation.ts) and password
// policy (common passwords, the email's name), an argon2id hash with the app's parameters
// (config.argon2; made here by @node-rs/argon2, which the worker verifies), and the credential change
// itself rendered to SQL (scripts/lib/credential-change.ts): a new credential generation, every
// session and reset link void, failure counts cleared, and the "Your password was changed" notice
// queued in the same transaction: the worker sends it (Node cannot reach its EMAIL binding; see
// scripts/lib/notices.ts for when). Left out: the breached-password check (it runs at the edge, with
// its cache, against PWNED_PASSWORDS_URL). Prompts twice on a terminal (echo off), or reads one line
// from a pipe. Exit status 0 when set, 1 when refused, 2 for a wrong command line.
import { createInterface } from "node:readline";
import { hash } from "@node-rs/argon2";
import { config } from "~/config";
import { newPasswordProblem } from "~/passwords/password-policy.server";
import { EmailSchema, ResetPasswordSchema, validateForm } from "~/validation";
import { runCommand, Stop } from "./lib/command";
import { credentialChangeSql } from "./lib/credential-change";
import { query, queryEach, type Target, where } from "./lib/d1";
import { noticeOutcome } from "./lib/notices";

// @node-rs/argon2 declares its algorithms as a `const enum`, which isolatedModules can't read.
const ARGON2ID = 2;

const USAGE = "usage: npm run user:password -- EMAIL [--remote]";

/** Reads a line; on a terminal the typed characters are not echoed. */
function ask(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = Boolean(process.stdin.isTTY);
    const rl = createInterface({ input: process.stdin, output: terminal ? process.stdout : undefined });
    if (terminal) {
      // readline has no "no echo" switch: its output writer is replaced for this one question.
      (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => {
        if (text.startsWith(prompt)) process.stdout.write(prompt);
      };
    }
    rl.question(prompt, (answer) => {
      rl.close();
      if (terminal) process.stdout.write("\n");
      resolve(answer);
    });
  });
}

async function main(args: string[]): Promise<void> {
  const remote = args.includes("--remote");
  const rest = args.filter((arg) => arg !== "--remote");
  if (rest.length !== 1 || rest[0]?.startsWith("--")) throw new Stop(USAGE, 2);
  const email = EmailSchema.safeParse(rest[0]);
  if (!email.success) throw new Stop(`${email.error.issues[0]?.message ?? "not an email address"}\n${USAGE}`, 2);
  const target: Target = { remote };

  const password = await ask("New password: ");
  const repeated = process.stdin.isTTY ? await ask("Repeat it: ") : password;
  const form = new FormData();
  form.set("password", password);
  form.set("confirm_password", repeated);
  const valid = validateForm(ResetPasswordSchema, form);
  if (!valid.ok) throw new Stop(Object.values(valid.errors)[0] ?? "the password is not valid");
  // Without PWNED_PASSWORDS_URL the policy skips the breach check: it belongs to the worker (see above).
  const problem = await newPasswordProblem({ password, email: email.data }, {});
  if (problem) throw new Stop(problem);

  let user: { id: number; credential_generation: number } | undefined;
  try {
    [user] = query<{ id: number; credential_generation: number }>(
      target,
      `SELECT id, credential_generation FROM users WHERE email = '${email.data.replaceAll("'", "''")}'`,
    );
  } catch (error) {
    throw new Stop((error as Error).message);
  }
  if (!user) throw new Stop(`no user with the email ${email.data}`);

  const { memoryKiB, iterations, parallelism, hashBytes } = config.argon2;
  const passwordHash = await hash(password, {
    algorithm: ARGON2ID,
    memoryCost: memoryKiB,
    timeCost: iterations,
    parallelism,
    outputLen: hashBytes,
  });
  // Bound to the generation just read: a change made in the app meanwhile wins, and this one writes nothing.
  const sql = await credentialChangeSql({
    userId: user.id,
    email: email.data,
    set: { passwordHash },
    ifGeneration: user.credential_generation,
    queueNotice: "password_changed",
  });
  const results = queryEach<{ generation: number }>(target, sql.join("\n"));
  if ((results.at(-1) ?? []).length === 0) {
    throw new Stop(
      "the account's sign-in details changed while this ran (or it was deleted); nothing changed: run it again",
    );
  }
  console.log(
    `Password updated for ${email.data} (${where(target)}); their sessions were ended and reset links voided.`,
  );
  console.log(await noticeOutcome(target, [user.id], "password_changed"));
}

await runCommand("user:password", main);
