// Our argon2id kernel (app/passwords/argon2/, wasm SIMD, here in workerd): the known answers of
// RFC 9106 and RFC 7693, a thousand random cross-checks each way against @node-rs/argon2 (native,
// in Node via the NODE_ARGON2 service of vitest.config.ts), hashes stored by the previous library,
// and nothing secret left in the kernel's memory afterwards.
import { describe, expect, it } from "vitest";
import { argon2id, blake2b, kernelMemory } from "~/passwords/argon2/argon2.server";
import { hashPassword, verifyPassword } from "~/passwords/password.server";
import { nodeBlake2b512, nodeHashBatch, nodeVerifyBatch } from "../helpers/node-argon2";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const bytesOf = (text: string) => new TextEncoder().encode(text);
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");

describe("known answers", () => {
  it("RFC 9106 section 5.3: argon2id with a secret and associated data, 4 lanes", () => {
    const tag = argon2id(
      {
        password: new Uint8Array(32).fill(1),
        salt: new Uint8Array(16).fill(2),
        secret: new Uint8Array(8).fill(3),
        associatedData: new Uint8Array(12).fill(4),
        t: 3,
        m: 32,
        p: 4,
        version: 0x13,
      },
      32,
    );
    expect(hex(tag)).toBe("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  });

  it('RFC 7693 appendix A: BLAKE2b-512("abc"), and of the empty string', () => {
    expect(hex(blake2b(bytesOf("abc"), 64))).toBe(
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    );
    expect(hex(blake2b(new Uint8Array(), 64))).toBe(
      "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
    );
  });

  it("BLAKE2b-512 agrees with OpenSSL's around the 128-byte block edges", async () => {
    for (const length of [1, 63, 64, 127, 128, 129, 255, 256, 257, 1024, 1025]) {
      const data = crypto.getRandomValues(new Uint8Array(length));
      expect(hex(blake2b(data, 64)), `length ${length}`).toBe(await nodeBlake2b512(data));
    }
  });
});

// Random passwords: empty, ASCII, Latin-1, Cyrillic, CJK and emoji (4 UTF-8 bytes, 2 UTF-16 units).
const RANGES = [
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0xa0, 0xff],
  [0x400, 0x4ff],
  [0x4e00, 0x9fff],
  [0x1f300, 0x1faff],
] as const;

function randomInt(below: number): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return value % below;
}

function randomPassword(): string {
  const length = randomInt(25);
  let password = "";
  for (let i = 0; i < length; i++) {
    const [low, high] = RANGES[randomInt(RANGES.length)] ?? RANGES[0];
    password += String.fromCodePoint(low + randomInt(high - low + 1));
  }
  return password;
}

/** Small memory so a thousand runs stay quick; every lane count, pass count and both versions. */
function randomCase(i: number) {
  const p = 1 + randomInt(4);
  return {
    password: i === 0 ? "" : randomPassword(),
    salt: crypto.getRandomValues(new Uint8Array(8 + randomInt(25))),
    m: 8 * p + randomInt(120),
    t: 1 + randomInt(3),
    p,
    version: randomInt(10) === 0 ? (0x10 as const) : (0x13 as const),
    tagLength: 4 + randomInt(61),
  };
}

const RUNS = 1000;

describe(`${RUNS} random cross-checks each way against @node-rs/argon2`, () => {
  it("workerd → Node: our tags, as PHC strings, verify in @node-rs/argon2 (and a wrong password does not)", async () => {
    const checks = [];
    for (let i = 0; i < RUNS; i++) {
      const c = randomCase(i);
      const tag = argon2id({ ...c, password: bytesOf(c.password) }, c.tagLength);
      const hash = `$argon2id$v=${c.version}$m=${c.m},t=${c.t},p=${c.p}$${base64(c.salt)}$${base64(tag)}`;
      checks.push({ hash, password: c.password, expected: true });
      if (i % 4 === 0) checks.push({ hash, password: `${c.password}x`, expected: false });
    }
    const valid = await nodeVerifyBatch(checks.map(({ hash, password }) => ({ hash, password })));
    expect(valid).toHaveLength(checks.length);
    const failures = checks.filter((check, i) => valid[i] !== check.expected);
    expect(failures, JSON.stringify(failures.slice(0, 3))).toEqual([]);
  });

  it("Node → workerd: @node-rs/argon2's PHC strings verify here (and a wrong password does not)", async () => {
    const cases = Array.from({ length: RUNS }, (_, i) => randomCase(i));
    const hashes = await nodeHashBatch(
      cases.map((c) => ({
        password: c.password,
        salt: btoa(String.fromCharCode(...c.salt)),
        memoryCost: c.m,
        timeCost: c.t,
        parallelism: c.p,
        outputLen: c.tagLength,
        version: c.version,
      })),
    );
    const failures = [];
    for (const [i, c] of cases.entries()) {
      const hash = hashes[i] ?? "";
      const right = verifyPassword(hash, c.password);
      const wrong = verifyPassword(hash, `${c.password}x`);
      if (!right || wrong) failures.push({ hash, password: c.password, right, wrong });
    }
    expect(failures, JSON.stringify(failures.slice(0, 3))).toEqual([]);
  });
});

describe("hashes stored before this kernel keep verifying", () => {
  // Made by @phi-ag/argon2 0.5.28's wasm (the worker's previous library) through its C API, as the
  // worker called it, with the app's parameters and, last, older ones.
  const STORED = [
    [
      "correct horse battery staple",
      "$argon2id$v=19$m=19456,t=2,p=1$xCICRkbUnNkPujdCqeZeEw$HIRY8tXvyaLhitDvUDAJHSuFikcxt8kVKNgJ++yvh1w",
    ],
    [
      "pässwörd ünïcödé ✓ 密码 🔑",
      "$argon2id$v=19$m=19456,t=2,p=1$JDQ1/Px7jIyk5cdKfDMCxQ$5SftWvVYgmbDg8Y563QetP/H2Qnd4qcv0LBo3xgX3Lo",
    ],
    ["", "$argon2id$v=19$m=19456,t=2,p=1$Wj9mrXmqUYefwB7mJBdAUg$txGD8To5uW738oMMwi+G/16wTYbpfnDWJd7wCNazuV4"],
    [
      "older parameters",
      "$argon2id$v=19$m=8192,t=3,p=2$ozsuF7L2uRKCS4qbjXbOkQ$i6FFUHA72TYwYhWBIz/5cfAayzfJ0sidivL10tRreOU",
    ],
  ] as const;

  it.each(STORED)("%j", (password, hash) => {
    expect(verifyPassword(hash, password)).toBe(true);
    expect(verifyPassword(hash, `${password}!`)).toBe(false);
  });

  it("a hash whose base64 has non-zero unused bits is refused, as the reference library refuses it", () => {
    const [password, hash] = STORED[0];
    // The tag's last character carries 2 unused bits: "w" (…110000) becomes "x" (…110001).
    expect(hash.endsWith("w")).toBe(true);
    expect(verifyPassword(`${hash.slice(0, -1)}x`, password)).toBe(false);
  });
});

describe("nothing secret is left in the kernel's memory", () => {
  const PASSWORD = "Zq7#unmistakable-password-ßü密";

  function occurrences(haystack: Uint8Array, needle: Uint8Array): number {
    const [first = 0] = needle;
    let count = 0;
    for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
      if (needle.every((byte, k) => haystack[i + k] === byte)) count += 1;
    }
    return count;
  }

  it("after hashing and verifying: no password bytes, and the 19 MiB of blocks are zero", () => {
    const hash = hashPassword(PASSWORD);
    expect(verifyPassword(hash, PASSWORD)).toBe(true);
    expect(verifyPassword(hash, `${PASSWORD}?`)).toBe(false);
    const memory = kernelMemory();
    expect(occurrences(memory, bytesOf(PASSWORD))).toBe(0);
    expect(occurrences(memory, bytesOf("unmistakable"))).toBe(0);
    // Only the kernel's constant tables may be non-zero: far less than one 1 KiB block.
    const nonZero = memory.reduce((count, byte) => count + (byte === 0 ? 0 : 1), 0);
    expect(memory.length).toBeGreaterThan(19 * 1024 * 1024);
    expect(nonZero).toBeLessThan(1024);
  });
});
