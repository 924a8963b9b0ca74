// Writes .dev.vars with what local runs need and nobody has set yet: a random SESSION_SECRET (so
// local runs sign cookies with a secret of their own), a random TOTP_SECRET (the key two-step
// secrets are sealed with) and a MAIL_FROM for the simulated email binding. Never overwrites a value
// that is there. (APP_ORIGIN comes from `npm start`, which knows its port; `npm run dev` users add
// APP_ORIGIN=http://localhost:5173 themselves: README "Email".)
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const DEFAULTS: Record<string, () => string> = {
  SESSION_SECRET: () => randomBytes(32).toString("hex"),
  TOTP_SECRET: () => randomBytes(32).toString("hex"),
  // A reserved .localhost domain: nothing sent locally can reach anyone.
  MAIL_FROM: () => "no-reply@edge-auth.localhost",
};

export function writeDevVars(path = new URL("../../.dev.vars", import.meta.url)): void {
  let current = existsSync(path) ? readFileSync(path, "utf8") : "";
  for (const [name, value] of Object.entries(DEFAULTS)) {
    if (new RegExp(`^${name}=\\S+`, "m").test(current)) {
      console.log(`.dev.vars: ${name} already set`);
      continue;
    }
    const rest = current.replace(new RegExp(`^${name}=.*\\n?`, "m"), "");
    current = `${rest}${rest && !rest.endsWith("\n") ? "\n" : ""}${name}=${value()}\n`;
    writeFileSync(path, current, { mode: 0o600 });
    console.log(`.dev.vars: wrote a local ${name}`);
  }
}
