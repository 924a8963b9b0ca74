// The workerd side of the argon2 cross-check: asks @node-rs/argon2, running in Node, to hash or verify.
import { env } from "cloudflare:workers";
import type { NodeHashRequest } from "../setup/node-argon2";

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
