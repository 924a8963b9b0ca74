// The binding to our argon2id kernel (argon2.c beside this file, built to argon2.wasm by
// `npm run build:wasm`): raw tags in and out. PHC strings and the app's parameters are
// password.server.ts's business. wrangler bundles the .wasm as a compiled module: workerd may not
// compile wasm at run time.
// A package import (package.json "imports"), not a relative path: the Vite build leaves `.wasm`
// imports to wrangler, and a bare specifier survives its bundling unchanged.
import argon2Wasm from "#argon2/argon2.wasm";
import { config } from "~/config";

/** The kernel's exports (argon2.c's header comment). Offsets are into `memory`. */
type Kernel = {
  memory: WebAssembly.Memory;
  argon2_prepare(ioBytes: number, memoryKiB: number): number;
  argon2id_hash(...args: KernelArgs): number;
  argon2id_verify(...args: KernelArgs): number;
  blake2b(outLength: number, inLength: number): number;
};
type KernelArgs = [
  t: number,
  m: number,
  p: number,
  version: number,
  passwordLength: number,
  saltLength: number,
  secretLength: number,
  adLength: number,
  tagLength: number,
];

export type Argon2idInput = {
  password: Uint8Array;
  salt: Uint8Array;
  /** Passes. */
  t: number;
  /** Memory in KiB. */
  m: number;
  /** Lanes. */
  p: number;
  /** 0x13 (the current version, "v=19") or 0x10. */
  version?: number;
  /** The optional secret K and associated data X of RFC 9106; the app uses neither. */
  secret?: Uint8Array;
  associatedData?: Uint8Array;
};

let instance: Kernel | undefined;

// Instantiated on first use, not at module scope, so cold starts that never hash stay cheap. One
// instance serves every call: each call overwrites every block it reads and wipes on its way out.
function kernel(): Kernel {
  instance ??= new WebAssembly.Instance(argon2Wasm).exports as unknown as Kernel;
  return instance;
}

/** What an instance may keep between calls: the blocks of the app's own parameters and 1 MiB more. */
const KEPT_MEMORY_BYTES = (config.argon2.memoryKiB + 1024) * 1024;

/**
 * wasm memory grows but never shrinks: after a call that needed more than today's parameters (an
 * older hash with a bigger m), the instance is let go, and its memory with it, to the garbage collector.
 */
function release(wasm: Kernel): void {
  if (wasm.memory.buffer.byteLength > KEPT_MEMORY_BYTES && instance === wasm) instance = undefined;
}

/**
 * Copies the chunks one after another into the kernel's I/O area, after making room for `extra`
 * more bytes there and for `memoryKiB` of blocks. Returns the area's offset.
 */
function load(wasm: Kernel, chunks: Uint8Array[], extra: number, memoryKiB: number): number {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const io = wasm.argon2_prepare(total + extra, memoryKiB);
  if (io === 0) throw new Error("argon2: out of wasm memory");
  // A fresh view: growing memory detaches older ones.
  const view = new Uint8Array(wasm.memory.buffer);
  let at = io;
  for (const chunk of chunks) {
    view.set(chunk, at);
    at += chunk.length;
  }
  return io;
}

/** The kernel's inputs in the order it reads them. */
function inputs(input: Argon2idInput): [Uint8Array, Uint8Array, Uint8Array, Uint8Array] {
  return [input.password, input.salt, input.secret ?? new Uint8Array(), input.associatedData ?? new Uint8Array()];
}

function args(input: Argon2idInput, tagLength: number): KernelArgs {
  const [password, salt, secret, ad] = inputs(input);
  return [
    input.t,
    input.m,
    input.p,
    input.version ?? 0x13,
    password.length,
    salt.length,
    secret.length,
    ad.length,
    tagLength,
  ];
}

/** The argon2id tag of `tagLength` bytes. Throws on parameters outside RFC 9106's limits. */
export function argon2id(input: Argon2idInput, tagLength: number): Uint8Array {
  const wasm = kernel();
  try {
    const chunks = inputs(input);
    const io = load(wasm, chunks, tagLength, input.m);
    const code = wasm.argon2id_hash(...args(input, tagLength));
    if (code !== 0) throw new Error(`argon2id failed with code ${code}`);
    const at = io + chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const view = new Uint8Array(wasm.memory.buffer, at, tagLength);
    const tag = view.slice();
    view.fill(0);
    return tag;
  } finally {
    release(wasm);
  }
}

/**
 * Whether argon2id of the input gives `expected`, compared in constant time inside the kernel,
 * which then wipes everything it was given. Throws on parameters outside RFC 9106's limits.
 */
export function argon2idMatches(input: Argon2idInput, expected: Uint8Array): boolean {
  const wasm = kernel();
  try {
    const chunks = inputs(input);
    // The kernel writes the tag it computes right after the inputs, and reads `expected` after that.
    const io = load(wasm, chunks, 2 * expected.length, input.m);
    const at = io + chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    new Uint8Array(wasm.memory.buffer).set(expected, at + expected.length);
    const code = wasm.argon2id_verify(...args(input, expected.length));
    if (code < 0) throw new Error(`argon2id failed with code ${code}`);
    return code === 1;
  } finally {
    release(wasm);
  }
}

/** BLAKE2b (RFC 7693) as the kernel computes it, for the known-answer tests. */
export function blake2b(data: Uint8Array, outLength: number): Uint8Array {
  const wasm = kernel();
  const io = load(wasm, [data], outLength, 0);
  if (wasm.blake2b(outLength, data.length) !== 0) throw new Error("blake2b: bad output length");
  const view = new Uint8Array(wasm.memory.buffer, io + data.length, outLength);
  const digest = view.slice();
  new Uint8Array(wasm.memory.buffer, io, data.length + outLength).fill(0);
  return digest;
}

/** A copy of the kernel's whole memory, for the test that nothing secret is left in it. */
export function kernelMemory(): Uint8Array {
  return new Uint8Array(kernel().memory.buffer).slice();
}
