// The binding to the werkzeug hashes' kernel (werkzeug.c beside this file, built to werkzeug.wasm by
// `npm run build:wasm`): raw bytes in and out. Formats and verification are werkzeug.server.ts's
// business. Imported only by it, which login imports only for a row holding a werkzeug hash.
// A package import, as for the argon2 kernel: the Vite build leaves `.wasm` imports to wrangler.
import werkzeugWasm from "#werkzeug/werkzeug.wasm";

export type KernelDigest = "sha1" | "sha256" | "sha512" | "md5";

const ALGORITHMS: Record<KernelDigest, number> = { sha1: 1, sha256: 2, sha512: 3, md5: 4 };
export const DIGEST_BYTES: Record<KernelDigest, number> = { sha1: 20, sha256: 32, sha512: 64, md5: 16 };

/** The kernel's exports (werkzeug.c's header comment). Offsets are into `memory`. */
type Kernel = {
  memory: WebAssembly.Memory;
  prepare(ioBytes: number, workBytes: number): number;
  digest(algorithm: number, inLength: number): number;
  hmac(algorithm: number, keyLength: number, messageLength: number): number;
  pbkdf2(algorithm: number, iterations: number, passwordLength: number, saltLength: number, keyLength: number): number;
  scrypt(n: number, r: number, p: number, passwordLength: number, saltLength: number, keyLength: number): number;
};

/** The memory an instance keeps between calls: what PBKDF2 and HMAC need, far below one scrypt. */
const KEPT_MEMORY_BYTES = 1024 * 1024;

let instance: Kernel | undefined;

/**
 * Copies the inputs into a kernel's I/O area (room for `outLength` after them and `workBytes` of work
 * memory), runs `call`, and returns a copy of the output, wiped in the kernel. An instance whose
 * memory grew past what it keeps (scrypt's 32 MiB) is let go: wasm memory never shrinks.
 */
function run(inputs: Uint8Array[], outLength: number, workBytes: number, call: (wasm: Kernel) => number): Uint8Array {
  instance ??= new WebAssembly.Instance(werkzeugWasm).exports as unknown as Kernel;
  const wasm = instance;
  try {
    const total = inputs.reduce((sum, input) => sum + input.length, 0);
    const io = wasm.prepare(total + outLength, workBytes);
    if (io === 0) throw new Error("werkzeug kernel: out of wasm memory");
    const view = new Uint8Array(wasm.memory.buffer); // After prepare: growing detaches older views.
    let at = io;
    for (const input of inputs) {
      view.set(input, at);
      at += input.length;
    }
    const code = call(wasm);
    if (code !== 0) throw new Error(`werkzeug kernel failed with code ${code}`);
    const output = new Uint8Array(wasm.memory.buffer, at, outLength);
    const copy = output.slice();
    output.fill(0);
    return copy;
  } finally {
    if (wasm.memory.buffer.byteLength > KEPT_MEMORY_BYTES) instance = undefined;
  }
}

/** The digest of `data` (for the known-answer tests). */
export function digest(algorithm: KernelDigest, data: Uint8Array): Uint8Array {
  return run([data], DIGEST_BYTES[algorithm], 0, (wasm) => wasm.digest(ALGORITHMS[algorithm], data.length));
}

export function hmac(algorithm: KernelDigest, key: Uint8Array, message: Uint8Array): Uint8Array {
  return run([key, message], DIGEST_BYTES[algorithm], 0, (wasm) =>
    wasm.hmac(ALGORITHMS[algorithm], key.length, message.length),
  );
}

export function pbkdf2(
  algorithm: Exclude<KernelDigest, "md5">,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  keyLength: number,
): Uint8Array {
  return run([password, salt], keyLength, 0, (wasm) =>
    wasm.pbkdf2(ALGORITHMS[algorithm], iterations, password.length, salt.length, keyLength),
  );
}

export function scrypt(
  password: Uint8Array,
  salt: Uint8Array,
  { n, r, p }: { n: number; r: number; p: number },
  keyLength: number,
): Uint8Array {
  // ROMix's N chunks of 128·r bytes, B's p chunks, and two chunks of scratch.
  const workBytes = 128 * r * (n + p + 2);
  return run([password, salt], keyLength, workBytes, (wasm) =>
    wasm.scrypt(n, r, p, password.length, salt.length, keyLength),
  );
}
