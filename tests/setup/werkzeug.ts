// The real werkzeug as the reference for the Flask hashes: every Python 3 on the machine that has
// werkzeug (Debian's python3-werkzeug 2.2 at /usr/bin/python3, and whatever `python3` on PATH is)
// hashes passwords with tests/setup/werkzeug_hashes.py. vitest.config.ts binds this function as the
// `WERKZEUG` service, so a test inside workerd asks Node, and Node asks Python.
import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Request, Response } from "miniflare";

const SCRIPT = fileURLToPath(new URL("./werkzeug_hashes.py", import.meta.url));
const CANDIDATES = (process.env.WERKZEUG_PYTHONS ?? "/usr/bin/python3:python3").split(":");

/** `rounds`: also time werkzeug's check_password_hash on the hash that many times. */
export type WerkzeugItem = { method: string; password: string; rounds?: number };
type WerkzeugHashed = WerkzeugItem & { hash?: string; error?: string; ms?: number[] };
export type WerkzeugRun = { version: string; python: string; hashes: WerkzeugHashed[] };

function run(python: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(python, [SCRIPT], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${python}: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}

/** Each interpreter with werkzeug once (a PATH `python3` may be /usr/bin/python3 again). */
async function interpreters(): Promise<string[]> {
  const found = new Map<string, string>();
  for (const python of CANDIDATES) {
    try {
      const probe = JSON.parse(await run(python, '{"items": []}')) as { python: string };
      const real = realpathSync(probe.python);
      if (!found.has(real)) found.set(real, python);
    } catch {
      // No such interpreter, or no werkzeug in it.
    }
  }
  return [...found.values()];
}

/** POST /hash {items: [{method, password}]} → {runs: [{version, python, hashes}]}, one run per werkzeug found. */
export async function werkzeugService(request: Request): Promise<Response> {
  const body = (await request.json()) as { items: WerkzeugItem[] };
  try {
    const input = JSON.stringify({ items: body.items });
    const runs = await Promise.all(
      (await interpreters()).map(async (python) => JSON.parse(await run(python, input)) as WerkzeugRun),
    );
    return Response.json({ runs });
  } catch (error) {
    return Response.json({ error: String(error) }, { status: 500 });
  }
}
