// `npm run deploy` / `npm run deploy:staging`: build, apply the D1 migrations to the environment's
// remote database, deploy, then GET the deployed <APP_ORIGIN>/healthcheck/; anything but a 200
// fails loudly with the `wrangler rollback` command to run. Usage:
//   node scripts/deploy.ts --env production|staging [--dry-run]
// --dry-run does the same offline: migrations on a fresh local D1, `wrangler deploy --dry-run`, and
// the healthcheck step against that build served locally by `wrangler dev --env`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { unstable_readConfig } from "wrangler";
import { envProblems } from "../app/env.server.ts";
import { buildApp, migrateLocal, serveBuilt } from "../harness/app-server.ts";
import { type Fail, failWith } from "./lib/cli.ts";

const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
// A new version reaches every location within seconds; give it half a minute before calling it broken.
const CHECK_ATTEMPTS = 6;
const CHECK_INTERVAL_MS = 5_000;

const args = process.argv.slice(2);
const envName = args[args.indexOf("--env") + 1];
const dryRun = args.includes("--dry-run");
const fail: Fail = failWith("\n✗ deploy");
if (!args.includes("--env") || !envName || envName.startsWith("-"))
  fail("usage: node scripts/deploy.ts --env NAME [--dry-run]", 2);

function step(text: string) {
  console.log(`\n▶ ${text}`);
}

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = {}) {
  console.log(`$ ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`${command} ${commandArgs.join(" ")} failed (exit ${result.status})`);
}

/** What this environment deploys, from wrangler.toml; refuses a config that can't work. */
function readEnvironment(): { name: string; origin: string } {
  const config = unstable_readConfig({ env: envName });
  const database = config.d1_databases.find((db: { binding: string }) => db.binding === "DB");
  if (!database) fail(`wrangler.toml has no D1 binding DB in [env.${envName}]`);
  // Bindings are not inherited by an environment: a missing one would fail only in production.
  if (!config.send_email.some((binding: { name: string }) => binding.name === "EMAIL"))
    fail(`wrangler.toml has no [[env.${envName}.send_email]] binding EMAIL`);
  // The worker's own schema (app/env.server.ts): a deploy refuses exactly what the worker would.
  const vars: Record<string, unknown> = config.vars ?? {};
  const problems = envProblems(vars, ["MAIL_FROM", "APP_ORIGIN"]);
  if (problems.length > 0) fail(problems.map((problem) => `[env.${envName}.vars] ${problem}`).join("\n"));
  const origin = new URL(String(vars.APP_ORIGIN)).origin;
  if (!dryRun && database.database_id === PLACEHOLDER_ID)
    fail(
      `[env.${envName}] still has the placeholder database_id: run \`npx wrangler d1 create ${database.database_name}\` and put its id there`,
    );
  return { name: config.name ?? "worker", origin };
}

/** GET <origin>/healthcheck/ until it answers 200, or the attempts run out; returns the last status. */
async function healthcheck(origin: string): Promise<number | string> {
  const url = `${origin}/healthcheck/`;
  let last: number | string = "no answer";
  for (let attempt = 1; attempt <= CHECK_ATTEMPTS; attempt++) {
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
      const body = await response.text();
      console.log(`GET ${url} → ${response.status} ${body.slice(0, 80)}`);
      if (response.status === 200) return response.status;
      last = response.status;
    } catch (error) {
      last = (error as Error).message;
      console.log(`GET ${url} → ${last}`);
    }
    if (attempt < CHECK_ATTEMPTS) await sleep(CHECK_INTERVAL_MS);
  }
  return last;
}

// Secrets the worker refuses to run without (each a comma-separated, rotatable list; README "Deploy").
const REQUIRED_SECRETS = ["SESSION_SECRET", "TOTP_SECRET"];

/** Stops before anything changes when the environment lacks one of the worker's secrets. */
function requireSecrets() {
  const args = ["wrangler", "secret", "list", "--env", envName, "--format", "json"];
  console.log(`$ npx ${args.join(" ")}`);
  const result = spawnSync("npx", args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) fail(`npx ${args.join(" ")} failed (exit ${result.status})`);
  const present = new Set((JSON.parse(result.stdout) as { name: string }[]).map((secret) => secret.name));
  const missing = REQUIRED_SECRETS.filter((secret) => !present.has(secret));
  if (missing.length > 0)
    fail(
      missing
        .map(
          (secret) =>
            `secret ${secret} is not set: openssl rand -hex 32 | npx wrangler secret put ${secret} --env ${envName}`,
        )
        .join("\n"),
    );
}

function rollbackAdvice(status: number | string, url: string): string {
  const bar = "!".repeat(78);
  return [
    bar,
    `DEPLOY CHECK FAILED: GET ${url} answered ${status}, not 200.`,
    "The new version is serving. Put the previous one back with:",
    "",
    `    npx wrangler rollback --env ${envName} --message "healthcheck failed after deploy"`,
    "",
    "Migrations already applied stay applied (a rollback never touches D1): see docs/operations.md.",
    bar,
  ].join("\n");
}

const { name, origin } = readEnvironment();
console.log(`${dryRun ? "Dry run: " : ""}deploying ${name} (--env ${envName}), checked at ${origin}/healthcheck/`);

step("build");
buildApp((text) => process.stdout.write(text));

if (dryRun) {
  const work = mkdtempSync(join(tmpdir(), `deploy-${envName}-`));
  try {
    step("migrations, on a fresh local D1 with this environment's binding");
    migrateLocal({ env: envName, persistTo: work, log: (text) => process.stdout.write(text) });
    step("deploy (dry run: bundle only)");
    run("npx", ["wrangler", "deploy", "--dry-run", "--env", envName, "--outdir", join(work, "bundle")]);
    step("healthcheck, against this build served locally (wrangler dev --env)");
    // Started on free ports and polled until /healthcheck/ answers 200 (harness/app-server.ts);
    // anything else, or no answer within two minutes, fails with wrangler's last output.
    try {
      const local = await serveBuilt({ env: envName, persistTo: work });
      console.log(`GET ${local.origin}/healthcheck/ → 200`);
      await local.stop();
    } catch (error) {
      fail(`the local healthcheck failed: ${(error as Error).message}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `\n✓ Dry run of ${envName} passed. The real deploy: npm run ${envName === "production" ? "deploy" : `deploy:${envName}`}`,
  );
} else {
  step("secrets");
  requireSecrets();
  step("migrations, on the remote D1 (expand only: the running version must keep working)");
  run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--remote", "--env", envName]);
  step("deploy");
  run("npx", ["wrangler", "deploy", "--env", envName]);
  step("healthcheck of the deployed version");
  const status = await healthcheck(origin);
  if (status !== 200) fail(rollbackAdvice(status, `${origin}/healthcheck/`));
  console.log(`\n✓ ${name} is deployed and ${origin}/healthcheck/ answers 200.`);
}
