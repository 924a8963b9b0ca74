// Writes .dev.vars with a random SESSION_SECRET when there is none, so local runs sign cookies
// with a secret of their own. Never overwrites an existing secret.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const path = new URL("../.dev.vars", import.meta.url);
const current = existsSync(path) ? readFileSync(path, "utf8") : "";

if (/^SESSION_SECRET=\S+/m.test(current)) {
  console.log(".dev.vars: SESSION_SECRET already set");
} else {
  const line = `SESSION_SECRET=${randomBytes(32).toString("hex")}\n`;
  const rest = current.replace(/^SESSION_SECRET=.*\n?/m, "");
  writeFileSync(path, `${rest}${rest && !rest.endsWith("\n") ? "\n" : ""}${line}`, { mode: 0o600 });
  console.log(".dev.vars: generated a local SESSION_SECRET");
}
