// The independent argon2 reference for the tests: @node-rs/argon2 (native code, so it cannot load in
// workerd) runs here, in the Node process that hosts Miniflare. vitest.config.ts binds this function
// as the `NODE_ARGON2` service, so a test inside workerd can ask Node to hash or verify, and the
// app's own wasm argon2 stays in workerd: the cross-check runs both ways across the two runtimes.
import { createHash } from "node:crypto";
import { hash, parseOptions, verify } from "@node-rs/argon2";
import { type Request, Response } from "miniflare";

// @node-rs/argon2 declares these as `const enum`s, which isolatedModules can't read: the values, spelled out.
const ARGON2ID = 2;
const VERSION_0X10 = 0;
const VERSION_0X13 = 1;

export type NodeHashRequest = { password: string; memoryCost?: number; timeCost?: number; parallelism?: number };
export type NodeVerifyRequest = { hash: string; password: string };
/** One hash of a batch: any salt (base64) and tag length; version 0x10 or 0x13 (the default). */
export type NodeBatchHashRequest = NodeHashRequest & { salt?: string; outputLen?: number; version?: 0x10 | 0x13 };

/**
 * POST /hash {password, memoryCost?, timeCost?, parallelism?}; POST /verify {hash, password}; POST /parse {hash};
 * POST /hash-batch {requests: NodeBatchHashRequest[]} and /verify-batch {requests: NodeVerifyRequest[]}, so a
 * thousand random cross-checks cost two round trips; POST /blake2b {data: base64} (OpenSSL's BLAKE2b-512).
 */
export async function nodeArgon2Service(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const body = (await request.json()) as Record<string, unknown>;
  const runtime = `node ${process.versions.node}`;
  try {
    if (pathname === "/hash") {
      const { password, memoryCost = 19456, timeCost = 2, parallelism = 1 } = body as NodeHashRequest;
      const encoded = await hash(password, {
        algorithm: ARGON2ID,
        version: VERSION_0X13,
        memoryCost,
        timeCost,
        parallelism,
      });
      return Response.json({ hash: encoded, runtime });
    }
    if (pathname === "/verify") {
      const { hash: encoded, password } = body as NodeVerifyRequest;
      return Response.json({ valid: await verify(encoded, password), runtime });
    }
    if (pathname === "/hash-batch") {
      const requests = body.requests as NodeBatchHashRequest[];
      const hashes = [];
      for (const { password, memoryCost, timeCost, parallelism, salt, outputLen, version } of requests) {
        hashes.push(
          await hash(password, {
            algorithm: ARGON2ID,
            version: version === 0x10 ? VERSION_0X10 : VERSION_0X13,
            memoryCost,
            timeCost,
            parallelism,
            outputLen,
            salt: salt === undefined ? undefined : Buffer.from(salt, "base64"),
          }),
        );
      }
      return Response.json({ hashes, runtime });
    }
    if (pathname === "/verify-batch") {
      const requests = body.requests as NodeVerifyRequest[];
      const valid = [];
      for (const { hash: encoded, password } of requests) valid.push(await verify(encoded, password));
      return Response.json({ valid, runtime });
    }
    if (pathname === "/blake2b") {
      const digest = createHash("blake2b512")
        .update(Buffer.from(String(body.data), "base64"))
        .digest("hex");
      return Response.json({ digest, runtime });
    }
    if (pathname === "/parse") {
      return Response.json({ ...parseOptions(String(body.hash)), runtime });
    }
  } catch (error) {
    return Response.json({ error: String(error), runtime }, { status: 500 });
  }
  return new Response("not found", { status: 404 });
}
