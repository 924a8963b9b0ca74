// The workerd side of the argon2 cross-check: asks @node-rs/argon2, running in Node, to hash or verify.
import { env } from "cloudflare:workers";
import type { NodeBatchHashRequest, NodeHashRequest, NodeVerifyRequest } from "../setup/node-argon2";

async function call<T>(path: string, body: unknown): Promise<T & { runtime: string }> {
  const response = await env.NODE_ARGON2.fetch(`http://node-argon2${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`node-argon2 ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A PHC string made by @node-rs/argon2 in Node (defaults: the app's parameters). */
export async function nodeHash(request: NodeHashRequest): Promise<{ hash: string; runtime: string }> {
  return call("/hash", request);
}

export async function nodeVerify(hash: string, password: string): Promise<{ valid: boolean; runtime: string }> {
  return call("/verify", { hash, password });
}

export async function nodeParse(
  hash: string,
): Promise<{ memoryCost: number; timeCost: number; parallelism: number; outputLen: number; saltLen: number }> {
  return call("/parse", { hash });
}

/** PHC strings made by @node-rs/argon2, one per request, in one round trip. */
export async function nodeHashBatch(requests: NodeBatchHashRequest[]): Promise<string[]> {
  return (await call<{ hashes: string[] }>("/hash-batch", { requests })).hashes;
}

/** Whether @node-rs/argon2 accepts each password for its hash, in one round trip. */
export async function nodeVerifyBatch(requests: NodeVerifyRequest[]): Promise<boolean[]> {
  return (await call<{ valid: boolean[] }>("/verify-batch", { requests })).valid;
}

/** BLAKE2b-512 of the bytes, by Node's OpenSSL, in hex. */
export async function nodeBlake2b512(data: Uint8Array): Promise<string> {
  return (await call<{ digest: string }>("/blake2b", { data: btoa(String.fromCharCode(...data)) })).digest;
}
