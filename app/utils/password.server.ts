// Owns password hashing: argon2id via a wasm build, because workerd can load wasm only when it
// is compiled at build time (wrangler bundles the .wasm as a module) and cannot load native code.
import Argon2, { Argon2Type, Argon2Version } from "@phi-ag/argon2";
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import { config } from "~/config";

const { argon2: params } = config;

/** A real hash of a random, forgotten password: unknown emails verify against it, so they cost the same time. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$r4Mj7r0u/TZJ79cObVQjQQ$eFpCC9oa7cYr72LSijNMaC6WHXVHgOXsi1O27HlZX4Y";

const CURRENT_PARAMS = `$argon2id$v=${Argon2Version.Version13}$m=${params.memoryKiB},t=${params.iterations},p=${params.parallelism}$`;

let engine: Argon2 | undefined;

// Instantiated on first use, not at module scope, so cold starts that never hash stay cheap.
function argon2(): Argon2 {
  engine ??= new Argon2(new WebAssembly.Instance(argon2Wasm));
  return engine;
}

/** A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. */
export function hashPassword(password: string): string {
  return argon2().hash(password, {
    type: Argon2Type.Argon2id,
    version: Argon2Version.Version13,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    hashLength: params.hashBytes,
    salt: crypto.getRandomValues(new Uint8Array(params.saltBytes)),
  }).encoded;
}

/** Checks a password against any argon2id PHC string, whatever its parameters. Never throws. */
export function verifyPassword(hash: string, password: string): boolean {
  return argon2().tryVerify(hash, password, Argon2Type.Argon2id).success;
}

/** Spends the same work as a real verification, for an account that does not exist. */
export function verifyDummyPassword(password: string): false {
  verifyPassword(DUMMY_HASH, password);
  return false;
}

/** True when a stored hash was made with other parameters than today's, so it should be upgraded. */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith(CURRENT_PARAMS);
}
