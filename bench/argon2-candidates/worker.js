// argon2id candidates inside workerd, with the app's parameters (m=19456 KiB, t=2, p=1, 32-byte tag,
// 16-byte salt). Each library is loaded the way workerd allows: its .wasm imported at build time
// (wrangler turns it into a compiled module), never compiled from bytes at run time.
// GET /hash?lib=X&pw=… → PHC string; GET /verify?lib=X&pw=…&h=… → "true"/"false";
// GET /loop?lib=X&n=20 → in-worker timings (an awaited timer around each hash lets Date.now() move).
// Run by run.mjs beside this file; not part of the app.

import { argon2id as nobleArgon2id } from "@noble/hashes/argon2.js";
import Argon2, { Argon2Type, Argon2Version } from "@phi-ag/argon2";
import { argon2id as edgeHash, argon2Verify as edgeVerify, setWASMModules } from "argon2-wasm-edge";
import setupOpenpgp from "argon2id/lib/setup.js";
import * as argonia from "argonia";
import { hashPassword as wpaHash, verifyPassword as wpaVerify } from "worker-password-auth";
import phiWasm from "./node_modules/@phi-ag/argon2/dist/argon2.wasm";
import browserSimd from "./node_modules/argon2-browser/dist/argon2-simd.wasm";
import edgeArgon from "./node_modules/argon2-wasm-edge/wasm/argon2.wasm";
import edgeBlake from "./node_modules/argon2-wasm-edge/wasm/blake2b.wasm";
import openpgpNoSimd from "./node_modules/argon2id/dist/no-simd.wasm";
import openpgpSimd from "./node_modules/argon2id/dist/simd.wasm";

const M = 19456,
  T = 2,
  P = 1;
const b64 = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const phc = (salt, tag) => `$argon2id$v=19$m=${M},t=${T},p=${P}$${b64(salt)}$${b64(tag)}`;
const salt16 = () => crypto.getRandomValues(new Uint8Array(16));
function parsePhc(encoded) {
  const [, , , params, s, h] = encoded.split("$");
  const o = Object.fromEntries(
    params
      .split(",")
      .map((kv) => kv.split("="))
      .map(([k, v]) => [k, Number(v)]),
  );
  return { m: o.m, t: o.t, p: o.p, salt: unb64(s), tag: unb64(h) };
}
const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const enc = new TextEncoder();

let phi;
let openpgp;
let browserMod;
let rabbit;
let esm;
let hashWasm;

const libs = {
  "phi-ag": {
    init() {
      phi ??= new Argon2(new WebAssembly.Instance(phiWasm));
    },
    hash: (pw) =>
      phi.hash(pw, {
        type: Argon2Type.Argon2id,
        version: Argon2Version.Version13,
        memoryCost: M,
        timeCost: T,
        parallelism: P,
        hashLength: 32,
        salt: salt16(),
      }).encoded,
    verify: (h, pw) => phi.tryVerify(h, pw, Argon2Type.Argon2id).success,
  },
  "openpgp-argon2id": {
    async init() {
      openpgp ??= await setupOpenpgp(
        async (imports) => ({ instance: await WebAssembly.instantiate(openpgpSimd, imports), module: openpgpSimd }),
        async (imports) => ({ instance: await WebAssembly.instantiate(openpgpNoSimd, imports), module: openpgpNoSimd }),
      );
    },
    hash(pw) {
      const salt = salt16();
      return phc(
        salt,
        openpgp({ password: enc.encode(pw), salt, parallelism: P, passes: T, memorySize: M, tagLength: 32 }),
      );
    },
    verify(h, pw) {
      const d = parsePhc(h);
      return eq(
        d.tag,
        openpgp({
          password: enc.encode(pw),
          salt: d.salt,
          parallelism: d.p,
          passes: d.t,
          memorySize: d.m,
          tagLength: d.tag.length,
        }),
      );
    },
  },
  "argon2-wasm-edge": {
    init() {
      setWASMModules({ argon2WASM: edgeArgon, blake2bWASM: edgeBlake });
    },
    hash: (pw) =>
      edgeHash({
        password: pw,
        salt: salt16(),
        parallelism: P,
        iterations: T,
        memorySize: M,
        hashLength: 32,
        outputType: "encoded",
      }),
    verify: (h, pw) => edgeVerify({ password: pw, hash: h }),
  },
  "worker-password-auth": { init() {}, hash: (pw) => wpaHash(pw), verify: (h, pw) => wpaVerify(pw, h) },
  argonia: { init() {}, hash: (pw) => argonia.hash(pw), verify: (h, pw) => argonia.verify(h, pw) },
  "noble-hashes": {
    init() {},
    hash(pw) {
      const salt = salt16();
      return phc(salt, nobleArgon2id(pw, salt, { t: T, m: M, p: P, dkLen: 32 }));
    },
    verify(h, pw) {
      const d = parsePhc(h);
      return eq(d.tag, nobleArgon2id(pw, d.salt, { t: d.t, m: d.m, p: d.p, dkLen: d.tag.length }));
    },
  },
  // Published builds that embed their wasm as bytes and compile it at run time (expected to fail in workerd).
  "@rabbit-company/argon2id": {
    async init() {
      const { default: Argon2id } = await import("@rabbit-company/argon2id");
      rabbit = Argon2id;
      await rabbit.hashEncoded("warm up", undefined, P, M, T, 32);
    },
    hash: (pw) => rabbit.hashEncoded(pw, undefined, P, M, T, 32),
    verify: (h, pw) => rabbit.verify(h, pw),
  },
  "argon2-wasm-esm": {
    async init() {
      const { default: argon2 } = await import("argon2-wasm-esm");
      esm = argon2;
      await esm.hash({ pass: "warm up", salt: "0123456789abcdef", time: 1, mem: 64, hashLen: 32, type: 2 });
    },
    hash: async (pw) =>
      (await esm.hash({ pass: pw, salt: salt16(), time: T, mem: M, parallelism: P, hashLen: 32, type: 2 })).encoded,
    verify: async (h, pw) => {
      try {
        await esm.verify({ pass: pw, encoded: h, type: 2 });
        return true;
      } catch {
        return false;
      }
    },
  },
  "hash-wasm": {
    async init() {
      hashWasm ??= await import("hash-wasm");
      await hashWasm.argon2id({
        password: "warm up",
        salt: salt16(),
        parallelism: 1,
        iterations: 1,
        memorySize: 64,
        hashLength: 32,
      });
    },
    hash: (pw) =>
      hashWasm.argon2id({
        password: pw,
        salt: salt16(),
        parallelism: P,
        iterations: T,
        memorySize: M,
        hashLength: 32,
        outputType: "encoded",
      }),
    verify: (h, pw) => hashWasm.argon2Verify({ password: pw, hash: h }),
  },
  "argon2-browser-simd": {
    async init() {
      if (browserMod) return;
      browserMod = await new Promise((resolve, reject) => {
        self.Module = {
          instantiateWasm(info, receive) {
            const inst = new WebAssembly.Instance(browserSimd, info);
            receive(inst, browserSimd);
            return inst.exports;
          },
          postRun() {
            resolve(self.Module);
          },
          onAbort: reject,
        };
        import("argon2-browser/dist/argon2.js").catch(reject);
      });
    },
    hash(pw) {
      const M_ = browserMod;
      const put = (bytes) => {
        const p = M_._malloc(bytes.length + 1);
        M_.HEAPU8.set(bytes, p);
        M_.HEAPU8[p + bytes.length] = 0;
        return p;
      };
      const pwd = enc.encode(pw);
      const salt = salt16();
      const pp = put(pwd),
        sp = put(salt),
        hp = M_._malloc(32);
      const elen = M_._argon2_encodedlen(T, M, P, 16, 32, 2);
      const ep = M_._malloc(elen + 1);
      const rc = M_._argon2_hash_ext(T, M, P, pp, pwd.length, sp, 16, hp, 32, ep, elen, 2, 0, 0, 0, 0, 0x13);
      const out = M_.UTF8ToString(ep);
      for (const p of [pp, sp, hp, ep]) M_._free(p);
      if (rc !== 0) throw new Error(`argon2 rc ${rc}`);
      return out;
    },
    verify(h, pw) {
      const M_ = browserMod;
      const put = (bytes) => {
        const p = M_._malloc(bytes.length + 1);
        M_.HEAPU8.set(bytes, p);
        M_.HEAPU8[p + bytes.length] = 0;
        return p;
      };
      const pwd = enc.encode(pw);
      const pp = put(pwd),
        ep = put(enc.encode(h));
      const rc = M_._argon2_verify_ext(ep, pp, pwd.length, 0, 0, 0, 0, 2);
      M_._free(pp);
      M_._free(ep);
      return rc === 0;
    },
  },
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const lib = libs[url.searchParams.get("lib")];
    if (url.pathname === "/noop") return new Response("ok");
    if (!lib) return new Response("unknown lib", { status: 404 });
    try {
      await lib.init();
      const pw = url.searchParams.get("pw") ?? "correct horse battery staple";
      if (url.pathname === "/hash") return new Response(await lib.hash(pw));
      if (url.pathname === "/verify") return new Response(String(await lib.verify(url.searchParams.get("h"), pw)));
      // /loop: n ops timed inside the worker; an awaited timer between ops lets Date.now() advance.
      if (url.pathname === "/loop") {
        const n = Number(url.searchParams.get("n") ?? 20);
        const op = url.searchParams.get("op") ?? "hash";
        const h = op === "verify" ? await lib.hash(pw) : null;
        const times = [];
        for (let i = 0; i < n; i++) {
          await scheduler.wait(0);
          const t0 = Date.now();
          if (op === "verify") await lib.verify(h, pw);
          else await lib.hash(pw);
          await scheduler.wait(0);
          times.push(Date.now() - t0);
        }
        return Response.json(times);
      }
    } catch (e) {
      return new Response(`error: ${e?.stack ?? e}`, { status: 500 });
    }
    return new Response("?", { status: 404 });
  },
};
