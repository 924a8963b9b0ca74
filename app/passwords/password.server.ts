// Owns password hashing: argon2id from @phi-ag/argon2's wasm build (the reference C with SIMD),
// because workerd can load wasm only when it is compiled at build time (wrangler bundles the .wasm
// as a module) and cannot load native code. It was the fastest of the builds published on npm that
// run in workerd (bench/results.md). Its C API is called directly: the package's JS wrapper passes a
// password's UTF-16 length as its UTF-8 byte count, which hashes non-ASCII passwords cut short (and
// such hashes verify nowhere else); here the bytes and their count come from one encoding.
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import { config } from "~/config";
import { parseWerkzeugHash, verifyWerkzeugHash } from "~/passwords/werkzeug.server";

const { argon2: params } = config;

const ARGON2ID = 2;
const VERSION_13 = 0x13;
const ARGON2_OK = 0;

/** A real hash of a random, forgotten password: unknown emails verify against it, so they cost the same time. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$r4Mj7r0u/TZJ79cObVQjQQ$eFpCC9oa7cYr72LSijNMaC6WHXVHgOXsi1O27HlZX4Y";

const CURRENT_PARAMS = `$argon2id$v=${VERSION_13}$m=${params.memoryKiB},t=${params.iterations},p=${params.parallelism}$`;

/** The exports of the argon2 reference C library (argon2.h) built to wasm. Pointers are offsets in `memory`. */
type Argon2Exports = {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  argon2_encodedlen(t: number, m: number, p: number, saltLength: number, hashLength: number, type: number): number;
  argon2_hash(
    t: number,
    m: number,
    p: number,
    password: number,
    passwordLength: number,
    salt: number,
    saltLength: number,
    hash: number,
    hashLength: number,
    encoded: number,
    encodedLength: number,
    type: number,
    version: number,
  ): number;
  argon2_verify(encoded: number, password: number, passwordLength: number, type: number): number;
};

let engine: Argon2Exports | undefined;

// Instantiated on first use, not at module scope, so cold starts that never hash stay cheap.
function argon2(): Argon2Exports {
  if (!engine) {
    const exports = new WebAssembly.Instance(argon2Wasm).exports as unknown as Argon2Exports;
    exports._initialize();
    engine = exports;
  }
  return engine;
}

const encoder = new TextEncoder();

/**
 * Copies each chunk (bytes, NUL-terminated) or reserves each size (zeroed) in wasm memory, runs `use`
 * with the pointers and frees them. Views are made afresh each time: hashing grows memory, which
 * detaches older views.
 */
function withMemory<T>(wasm: Argon2Exports, chunks: (Uint8Array | number)[], use: (pointers: number[]) => T): T {
  const pointers: number[] = [];
  try {
    for (const chunk of chunks) {
      const size = typeof chunk === "number" ? chunk : chunk.length + 1;
      const pointer = wasm.malloc(size);
      if (pointer === 0) throw new Error("argon2: out of wasm memory");
      pointers.push(pointer);
      const view = new Uint8Array(wasm.memory.buffer, pointer, size);
      view.fill(0);
      if (typeof chunk !== "number") view.set(chunk);
    }
    return use(pointers);
  } finally {
    for (const pointer of pointers) wasm.free(pointer);
  }
}

function readCString(wasm: Argon2Exports, pointer: number, maxLength: number): string {
  const bytes = new Uint8Array(wasm.memory.buffer, pointer, maxLength);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? maxLength : end));
}

/** A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. */
export function hashPassword(password: string): string {
  const wasm = argon2();
  const bytes = encoder.encode(password);
  const salt = crypto.getRandomValues(new Uint8Array(params.saltBytes));
  const { iterations: t, memoryKiB: m, parallelism: p, hashBytes } = params;
  const encodedLength = wasm.argon2_encodedlen(t, m, p, salt.length, hashBytes, ARGON2ID);
  return withMemory(wasm, [bytes, salt, hashBytes, encodedLength], ([passwordAt, saltAt, hashAt, encodedAt]) => {
    const code = wasm.argon2_hash(
      t,
      m,
      p,
      passwordAt as number,
      bytes.length,
      saltAt as number,
      salt.length,
      hashAt as number,
      hashBytes,
      encodedAt as number,
      encodedLength,
      ARGON2ID,
      VERSION_13,
    );
    if (code !== ARGON2_OK) throw new Error(`argon2_hash failed with code ${code}`);
    return readCString(wasm, encodedAt as number, encodedLength);
  });
}

/** Checks a password against any argon2id PHC string, whatever its parameters. Never throws. */
export function verifyPassword(hash: string, password: string): boolean {
  try {
    const wasm = argon2();
    const bytes = encoder.encode(password);
    return withMemory(
      wasm,
      [encoder.encode(hash), bytes],
      ([hashAt, passwordAt]) =>
        wasm.argon2_verify(hashAt as number, passwordAt as number, bytes.length, ARGON2ID) === ARGON2_OK,
    );
  } catch {
    return false;
  }
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

/**
 * Login's check of whatever a row holds: argon2id; a werkzeug hash imported from the Flask site
 * (`upgrade`: the caller replaces it with argon2id in the write that records the login); anything
 * else (the unusable marker) costs a dummy verification and fails, so its timing says nothing.
 */
export async function verifyStoredPassword(
  stored: string,
  password: string,
): Promise<{ valid: boolean; upgrade: boolean }> {
  if (stored.startsWith("$argon2")) {
    const valid = verifyPassword(stored, password);
    return { valid, upgrade: valid && needsRehash(stored) };
  }
  if (parseWerkzeugHash(stored)) {
    const valid = await verifyWerkzeugHash(stored, password);
    return { valid, upgrade: valid };
  }
  return { valid: verifyDummyPassword(password), upgrade: false };
}
