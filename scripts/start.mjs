// `npm start`: build, migrate the local D1, make sure a local secret exists, then serve the built
// worker in workerd with `wrangler dev` on $PORT (default 8787) and print the URL. APP_ORIGIN (the
// origin of links in emails) is that URL unless set in the environment. Breach checks go to a local
// stand-in of the Pwned Passwords range API (scripts/lib/pwned-stand-in.ts) unless PWNED_PASSWORDS_URL
// is set in the environment.
import { spawn, spawnSync } from "node:child_process";
import { startPwnedStandIn } from "./lib/pwned-stand-in.ts";

const port = process.env.PORT ?? "8787";
// Links in emails must point at the address this run serves (README "Email"), whatever .dev.vars says.
const appOrigin = process.env.APP_ORIGIN ?? `http://localhost:${port}`;
const extraVars = [
  "--var",
  `APP_ORIGIN:${appOrigin}`,
  ...(process.env.RATE_LIMITS ? ["--var", `RATE_LIMITS:${process.env.RATE_LIMITS}`] : []),
];
// Tests and benchmarks point this at a fresh folder to start from an empty local D1.
const persist = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];
// wrangler's devtools port (default 9229) is taken when another wrangler dev runs on the machine.
const inspector = process.env.INSPECTOR_PORT ? ["--inspector-port", process.env.INSPECTOR_PORT] : [];

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run("node", ["scripts/dev-vars.mjs"]);
// Always React's production build, whatever NODE_ENV the caller had (vitest sets "test").
run("npx", ["remix", "vite:build"], { ...process.env, NODE_ENV: "production" });
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persist]);

// Started after the build, so a failed build leaves no server behind; it lives as long as this process.
const pwnedUrl = process.env.PWNED_PASSWORDS_URL ?? (await startPwnedStandIn()).url;
extraVars.push("--var", `PWNED_PASSWORDS_URL:${pwnedUrl}`);

const server = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--port",
    port,
    "--ip",
    "127.0.0.1",
    "--show-interactive-dev-session=false",
    ...inspector,
    ...persist,
    ...extraVars,
  ],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, CI: "true" } },
);

let announced = false;
server.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Ready on/.test(chunk.toString())) {
    announced = true;
    console.log(`\n  Edge Auth is running at http://localhost:${port}/  (Ctrl+C to stop)`);
    console.log("  Emails it sends are written to files; look for `send_email binding called` below.\n");
  }
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
