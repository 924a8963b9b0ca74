// `npm start`: build, migrate the local D1, make sure local secrets exist, then serve the built
// worker in workerd with `wrangler dev` on $PORT (default 8787) and print the URL. APP_ORIGIN (the
// origin of links in emails) is that URL unless set in the environment. Breach checks go to a local
// stand-in of the Pwned Passwords range API (scripts/lib/pwned-stand-in.ts) unless PWNED_PASSWORDS_URL
// is set in the environment. wrangler dev runs no Cron Triggers: this runs the per-minute one. Tests
// and the bench start the app through this too (harness/app-server.ts startApp), with PERSIST_TO,
// INSPECTOR_PORT and RATE_LIMITS set.
import { spawn } from "node:child_process";
import { buildApp, migrateLocal, wranglerDevArgs } from "../harness/app-server.ts";
import { writeDevVars } from "./lib/dev-vars.ts";
import { startPwnedStandIn } from "./lib/pwned-stand-in.ts";

const port = Number(process.env.PORT ?? "8787");
// Links in emails must point at the address this run serves (README "Email"), whatever .dev.vars says.
const vars: Record<string, string> = { APP_ORIGIN: process.env.APP_ORIGIN ?? `http://localhost:${port}` };
if (process.env.RATE_LIMITS) vars.RATE_LIMITS = process.env.RATE_LIMITS;
// A fresh folder starts from an empty local D1 (tests, bench).
const persistTo = process.env.PERSIST_TO;
const log = (text: string) => process.stdout.write(text);

try {
  writeDevVars();
  buildApp(log);
  migrateLocal({ persistTo, log });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

// Started after the build, so a failed build leaves no server behind; it lives as long as this process.
vars.PWNED_PASSWORDS_URL = process.env.PWNED_PASSWORDS_URL ?? (await startPwnedStandIn()).url;

const inspectorPort = Number(process.env.INSPECTOR_PORT ?? "9229");
const server = spawn("npx", wranglerDevArgs({ port, inspectorPort, persistTo, vars }), {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, CI: "true" },
});

// wrangler dev runs no Cron Triggers: the per-minute one (the notices the operator commands queue,
// app/worker.ts) is run here every minute through wrangler dev's trigger URL, as it runs deployed.
const everyMinute = `http://127.0.0.1:${port}/cdn-cgi/local/scheduled?${new URLSearchParams({ cron: "* * * * *" })}`;
const runCron = () => fetch(everyMinute).catch(() => {}); // A failed run shows in wrangler's own output.

let announced = false;
server.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /Ready on/.test(chunk.toString())) {
    announced = true;
    void runCron();
    setInterval(runCron, 60_000);
    console.log(`\n  Edge Auth is running at http://localhost:${port}/  (Ctrl+C to stop)`);
    console.log("  Emails it sends are written to files; look for `send_email binding called` below.\n");
  }
});

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
