// `npm run deploy` / `npm run deploy:staging`: build, apply the D1 migrations to the environment's
// remote database, deploy, then GET the deployed <APP_ORIGIN>/healthcheck/; anything but a 200
// fails loudly with the `wrangler rollback` command to run. Usage:
//   node scripts/deploy.mjs --env production|staging [--dry-run]
// --dry-run does the same offline: migrations on a fresh local D1, `wrangler deploy --dry-run`, and
// the healthcheck step against that build served locally by `wrangler dev --env`.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { unstable_readConfig } from "wrangler";

const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
// A new version reaches every location within seconds; give it half a minute before calling it broken.
const CHECK_ATTEMPTS = 6;
const CHECK_INTERVAL_MS = 5_000;

const args = process.argv.slice(2);
const envName = args[args.indexOf("--env") + 1];
const dryRun = args.includes("--dry-run");
if (!args.includes("--env") || !envName || envName.startsWith("-"))
  fail("usage: node scripts/deploy.mjs --env NAME [--dry-run]");

function fail(message) {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
}

function step(text) {
  console.log(`\n▶ ${text}`);
}

function run(command, commandArgs, env = {}) {
  console.log(`$ ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`${command} ${commandArgs.join(" ")} failed (exit ${result.status})`);
}

/** What this environment deploys, from wrangler.toml; refuses a config that can't work. */
function readEnvironment() {
  const config = unstable_readConfig({ env: envName });
  const database = config.d1_databases.find((db) => db.binding === "DB");
  const origin = config.vars?.APP_ORIGIN;
  if (!database) fail(`wrangler.toml has no D1 binding DB in [env.${envName}]`);
  // Bindings are not inherited by an environment: a missing one would fail only in production.
  if (!config.send_email.some((binding) => binding.name === "EMAIL"))
    fail(`wrangler.toml has no [[env.${envName}.send_email]] binding EMAIL`);
  if (typeof config.vars?.MAIL_FROM !== "string" || !config.vars.MAIL_FROM.includes("@"))
    fail(`[env.${envName}.vars] MAIL_FROM must be the sender's address`);
  if (typeof origin !== "string" || !/^https?:\/\/[^/]+$/.test(origin))
    fail(`[env.${envName}.vars] APP_ORIGIN must be the site's origin (e.g. https://auth.example.com), not ${origin}`);
  if (!dryRun && database.database_id === PLACEHOLDER_ID)
    fail(
      `[env.${envName}] still has the placeholder database_id: run \`npx wrangler d1 create ${database.database_name}\` and put its id there`,
    );
  return { name: config.name, origin };
}

/**
 * GET <origin>/healthcheck/ until it answers 200, or the attempts run out; returns the last status.
 * `firstAnswer`: retry only while nothing answers (a local server starting), then take its answer.
 */
async function healthcheck(
  origin,
  { attempts = CHECK_ATTEMPTS, intervalMs = CHECK_INTERVAL_MS, firstAnswer = false } = {},
) {
  const url = `${origin}/healthcheck/`;
  let last = "no answer";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
      const body = await response.text();
      console.log(`GET ${url} → ${response.status} ${body.slice(0, 80)}`);
      if (response.status === 200 || firstAnswer) return response.status;
      last = response.status;
    } catch (error) {
      last = error.message;
      console.log(`GET ${url} → ${last}`);
    }
    if (attempt < attempts) await sleep(intervalMs);
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
  const present = new Set(JSON.parse(result.stdout).map((secret) => secret.name));
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

function rollbackAdvice(status, url) {
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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Serves the build with this environment's config on a local port; resolves to the child and its origin. */
async function serveLocally(persist) {
  const [port, inspector] = [await freePort(), await freePort()];
  const child = spawn(
    "npx",
    ["wrangler", "dev", "--env", envName, "--port", String(port), "--ip", "127.0.0.1"].concat([
      "--inspector-port",
      String(inspector),
      "--persist-to",
      persist,
      "--show-interactive-dev-session=false",
    ]),
    { stdio: ["ignore", "ignore", "inherit"], detached: true, env: { ...process.env, CI: "true" } },
  );
  return { child, origin: `http://127.0.0.1:${port}` };
}

const { name, origin } = readEnvironment();
console.log(`${dryRun ? "Dry run: " : ""}deploying ${name} (--env ${envName}), checked at ${origin}/healthcheck/`);

step("build");
run("npx", ["remix", "vite:build"], { NODE_ENV: "production" });

if (dryRun) {
  const work = mkdtempSync(join(tmpdir(), `deploy-${envName}-`));
  try {
    step("migrations, on a fresh local D1 with this environment's binding");
    run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--env", envName, "--persist-to", work]);
    step("deploy (dry run: bundle only)");
    run("npx", ["wrangler", "deploy", "--dry-run", "--env", envName, "--outdir", join(work, "bundle")]);
    step("healthcheck, against this build served locally (wrangler dev --env)");
    const local = await serveLocally(work);
    // wrangler dev needs a few seconds to start: poll until it answers, then its answer is final.
    const status = await healthcheck(local.origin, { attempts: 120, intervalMs: 1_000, firstAnswer: true }).finally(
      () => {
        try {
          process.kill(-local.child.pid, "SIGTERM");
        } catch {}
      },
    );
    if (status !== 200) fail(rollbackAdvice(status, `${local.origin}/healthcheck/`));
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
