// The Pwned Passwords stand-in (scripts/lib/pwned-stand-in.ts) for the workerd tests. The config
// picks its port when it is read (`pwnedStandInPort`) so the URL can go into the worker's bindings;
// this file, as vitest's global setup, starts the server on that port before any test runs and
// stops it after the last. Picking a port starts nothing, so tools that only read the config
// (knip) leave no server behind.
import { startPwnedStandIn } from "../../scripts/lib/pwned-stand-in.ts";

const PORT_VARIABLE = "PWNED_STAND_IN_PORT";

/** A free port on 127.0.0.1 for the stand-in (found by starting it once on any port), remembered for the global setup (same process). */
export async function pwnedStandInPort(): Promise<number> {
  const probe = await startPwnedStandIn();
  await probe.close();
  const port = Number(new URL(probe.url).port);
  process.env[PORT_VARIABLE] = String(port);
  return port;
}

export default async function setup() {
  const port = Number(process.env[PORT_VARIABLE]);
  if (!port) throw new Error(`${PORT_VARIABLE} is not set: vitest.config.ts picks it with pwnedStandInPort()`);
  const standIn = await startPwnedStandIn(port);
  return () => standIn.close();
}
