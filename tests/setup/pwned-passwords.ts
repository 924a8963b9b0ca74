// The Pwned Passwords stand-in (scripts/lib/pwned-stand-in.ts) for the workerd tests. The config
// picks its port when it is read (`pwnedStandInPort`) so the URL can go into the worker's bindings;
// this file, as vitest's global setup, starts the server on that port before any test runs and
// stops it after the last. Picking a port starts nothing, so tools that only read the config
// (knip) leave no server behind.
import { createServer } from "node:net";
import { startPwnedStandIn } from "../../scripts/lib/pwned-stand-in.ts";

const PORT_VARIABLE = "PWNED_STAND_IN_PORT";

/** A free port on 127.0.0.1 for the stand-in, remembered for the global setup (same process). */
export async function pwnedStandInPort(): Promise<number> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
  process.env[PORT_VARIABLE] = String(port);
  return port;
}

export default async function setup() {
  const port = Number(process.env[PORT_VARIABLE]);
  if (!port) throw new Error(`${PORT_VARIABLE} is not set: vitest.config.ts picks it with pwnedStandInPort()`);
  const standIn = await startPwnedStandIn(port);
  return () => standIn.close();
}
