// A TCP port free on 127.0.0.1 right now: other people run wrangler dev on this machine too, so
// nothing of ours assumes a fixed port (8787, or wrangler's devtools 9229).
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
