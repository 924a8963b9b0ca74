// The hashes behind the Flask site's werkzeug passwords, for WebAssembly: SHA-1 and SHA-256 (FIPS 180-4),
// SHA-512 (FIPS 180-4), MD5 (RFC 1321), HMAC (RFC 2104), PBKDF2 (RFC 8018) and scrypt (RFC 7914)
// with its Salsa20/8 core in wasm SIMD. Written here from those texts; the constant tables were
// generated from their definitions (roots of primes, sines) and the known answers of the RFCs and
// OpenSSL check every function (tests/unit/werkzeug-kernel.test.ts).
//
// Why wasm: production workerd refuses WebCrypto PBKDF2 above 100,000 iterations, and werkzeug
// wrote 260,000 to 1,000,000; pure JavaScript ran 5-13x slower than OpenSSL. The PBKDF2 loop here
// works on message words: the HMAC key's inner and outer states are computed once, and each of the
// 2 x iterations compressions takes the previous digest as words with a fixed padding.
//
// Built by scripts/build-wasm.sh (clang + wasm-ld, wasm32, no libc) into werkzeug.wasm beside this
// file, which is committed; `.ci/run` rebuilds it and fails if the bytes differ.
//
// The C API, for werkzeug-kernel.server.ts (offsets are in the exported memory):
//   prepare(io_bytes, work_bytes) -> io offset, 0 if memory cannot grow that far. The caller writes
//     the inputs one after another at io; the output follows them.
//   digest(algorithm, in_len) -> 0; the digest of io[0..in_len) (for the known-answer tests).
//   hmac(algorithm, key_len, msg_len) -> 0; HMAC(key = io[0..key_len), message after it).
//   pbkdf2(algorithm, iterations, pwd_len, salt_len, dk_len) -> 0; PBKDF2-HMAC.
//   scrypt(n, r, p, pwd_len, salt_len, dk_len) -> 0; needs work_bytes >= 128 * r * (n + p + 2).
//   Errors: -1 parameters, -2 memory. Every call wipes its scratch, work area and inputs before it
//   returns: only the output is left (the caller wipes it once read).

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define INLINE static inline __attribute__((always_inline))

enum { SHA1 = 1, SHA256 = 2, SHA512 = 3, MD5 = 4 };
enum { ERR_PARAMS = -1, ERR_MEMORY = -2 };

INLINE uint32_t rotl32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
INLINE uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
INLINE uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

INLINE uint32_t load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
INLINE uint64_t load_be64(const uint8_t *p) { return (uint64_t)load_be32(p) << 32 | load_be32(p + 4); }
INLINE uint32_t load_le32(const uint8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);  // wasm is little-endian
  return v;
}
INLINE void store_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
INLINE void store_be64(uint8_t *p, uint64_t v) {
  store_be32(p, (uint32_t)(v >> 32));
  store_be32(p + 4, (uint32_t)v);
}

// ---------------------------------------------------------------------------------------------
// The compression functions, on message words already read from their bytes.

static const uint32_t SHA256_K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};
static const uint32_t SHA256_IV[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};
static const uint64_t SHA512_K[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
    0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
    0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
    0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
    0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
    0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
    0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
    0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
    0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
    0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
    0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
    0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};
static const uint64_t SHA512_IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};
static const uint32_t SHA1_IV[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
static const uint32_t MD5_T[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu, 0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};
static const uint8_t MD5_SHIFT[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

// Each compression keeps the message schedule as a rolling window of 16 words and is unrolled in
// full, so the window and the working variables are wasm locals (registers once compiled), not
// memory: nothing password-derived lands on the stack, and the loop does no loads or stores.

static void sha1_compress(uint32_t h[5], const uint32_t m[16]) {
  uint32_t w[16];
  for (int t = 0; t < 16; t++) w[t] = m[t];
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
#pragma clang loop unroll(full)
  for (int t = 0; t < 80; t++) {
    if (t >= 16) w[t & 15] = rotl32(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
    uint32_t f, k;
    if (t < 20) {
      f = d ^ (b & (c ^ d));  // (b & c) | (~b & d)
      k = 0x5a827999u;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1u;
    } else if (t < 60) {
      f = (b & c) | (d & (b | c));  // majority
      k = 0x8f1bbcdcu;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6u;
    }
    uint32_t temp = rotl32(a, 5) + f + e + k + w[t & 15];
    e = d;
    d = c;
    c = rotl32(b, 30);
    b = a;
    a = temp;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

// SHA-256 and SHA-512 are one algorithm on 32- and 64-bit words (FIPS 180-4, 6.2 and 6.4): this
// writes the compression for a word type, its rotation, its round count and constants, and the
// shifts of σ0, σ1 (message schedule) and Σ0, Σ1 (rounds).
#define SHA2_COMPRESS(name, word, rotr, rounds, K, s0a, s0b, s0c, s1a, s1b, s1c, S0a, S0b, S0c, S1a, S1b, S1c) \
  static void name(word h[8], const word m[16]) {                                                              \
    word w[16];                                                                                                \
    for (int t = 0; t < 16; t++) w[t] = m[t];                                                                  \
    word a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];                      \
    _Pragma("clang loop unroll(full)") for (int t = 0; t < rounds; t++) {                                      \
      if (t >= 16) {                                                                                           \
        word x = w[(t - 15) & 15], y = w[(t - 2) & 15];                                                        \
        word s0 = rotr(x, s0a) ^ rotr(x, s0b) ^ (x >> s0c);                                                    \
        word s1 = rotr(y, s1a) ^ rotr(y, s1b) ^ (y >> s1c);                                                    \
        w[t & 15] += s0 + w[(t - 7) & 15] + s1;                                                                \
      }                                                                                                        \
      word t1 = hh + (rotr(e, S1a) ^ rotr(e, S1b) ^ rotr(e, S1c)) + (g ^ (e & (f ^ g))) + K[t] + w[t & 15];    \
      word t2 = (rotr(a, S0a) ^ rotr(a, S0b) ^ rotr(a, S0c)) + ((a & b) | (c & (a | b)));                      \
      hh = g;                                                                                                  \
      g = f;                                                                                                   \
      f = e;                                                                                                   \
      e = d + t1;                                                                                              \
      d = c;                                                                                                   \
      c = b;                                                                                                   \
      b = a;                                                                                                   \
      a = t1 + t2;                                                                                             \
    }                                                                                                          \
    h[0] += a;                                                                                                 \
    h[1] += b;                                                                                                 \
    h[2] += c;                                                                                                 \
    h[3] += d;                                                                                                 \
    h[4] += e;                                                                                                 \
    h[5] += f;                                                                                                 \
    h[6] += g;                                                                                                 \
    h[7] += hh;                                                                                                \
  }

SHA2_COMPRESS(sha256_compress, uint32_t, rotr32, 64, SHA256_K, 7, 18, 3, 17, 19, 10, 2, 13, 22, 6, 11, 25)
SHA2_COMPRESS(sha512_compress, uint64_t, rotr64, 80, SHA512_K, 1, 8, 7, 19, 61, 6, 28, 34, 39, 14, 18, 41)

static void md5_compress(uint32_t h[4], const uint32_t m[16]) {
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
#pragma clang loop unroll(full)
  for (int i = 0; i < 64; i++) {
    uint32_t f;
    int g;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) % 16;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    uint32_t next = b + rotl32(a + f + MD5_T[i] + m[g], MD5_SHIFT[(i / 16) * 4 + i % 4]);
    a = d;
    d = c;
    c = b;
    b = next;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
}

// ---------------------------------------------------------------------------------------------
// Streaming hashing of bytes, for HMAC keys and messages of any length.

typedef struct {
  union {
    uint32_t w32[8];
    uint64_t w64[8];
  } h;
  uint8_t buf[128];
  uint64_t length;  // bytes hashed so far (inputs here stay far below 2^61)
  uint32_t fill;
  int algorithm;
} hash_state;

static union {
  uint32_t w32[16];
  uint64_t w64[16];
} words;

INLINE uint32_t block_bytes(int algorithm) { return algorithm == SHA512 ? 128 : 64; }
INLINE uint32_t digest_bytes(int algorithm) {
  return algorithm == SHA1 ? 20 : algorithm == SHA256 ? 32 : algorithm == SHA512 ? 64 : 16;
}

static void hash_init(hash_state *s, int algorithm) {
  s->algorithm = algorithm;
  s->length = 0;
  s->fill = 0;
  switch (algorithm) {
    case SHA1:
      for (int i = 0; i < 5; i++) s->h.w32[i] = SHA1_IV[i];
      break;
    case SHA256:
      for (int i = 0; i < 8; i++) s->h.w32[i] = SHA256_IV[i];
      break;
    case SHA512:
      for (int i = 0; i < 8; i++) s->h.w64[i] = SHA512_IV[i];
      break;
    default:  // MD5's initial words are SHA-1's first four
      for (int i = 0; i < 4; i++) s->h.w32[i] = SHA1_IV[i];
  }
}

static void hash_block(hash_state *s, const uint8_t *block) {
  switch (s->algorithm) {
    case SHA1:
    case SHA256:
      for (int i = 0; i < 16; i++) words.w32[i] = load_be32(block + 4 * i);
      if (s->algorithm == SHA1)
        sha1_compress(s->h.w32, words.w32);
      else
        sha256_compress(s->h.w32, words.w32);
      break;
    case SHA512:
      for (int i = 0; i < 16; i++) words.w64[i] = load_be64(block + 8 * i);
      sha512_compress(s->h.w64, words.w64);
      break;
    default:
      for (int i = 0; i < 16; i++) words.w32[i] = load_le32(block + 4 * i);
      md5_compress(s->h.w32, words.w32);
  }
}

static void hash_update(hash_state *s, const uint8_t *in, uint32_t len) {
  uint32_t size = block_bytes(s->algorithm);
  s->length += len;
  while (len > 0) {
    uint32_t take = size - s->fill;
    if (take > len) take = len;
    __builtin_memcpy(s->buf + s->fill, in, take);
    s->fill += take;
    in += take;
    len -= take;
    if (s->fill == size) {
      hash_block(s, s->buf);
      s->fill = 0;
    }
  }
}

static void hash_final(hash_state *s, uint8_t *out) {
  uint32_t size = block_bytes(s->algorithm), length_at = size - (s->algorithm == SHA512 ? 16 : 8);
  uint64_t bits = s->length * 8;
  s->buf[s->fill++] = 0x80;
  if (s->fill > length_at) {
    __builtin_memset(s->buf + s->fill, 0, size - s->fill);
    hash_block(s, s->buf);
    s->fill = 0;
  }
  __builtin_memset(s->buf + s->fill, 0, size - s->fill);
  if (s->algorithm == MD5)
    __builtin_memcpy(s->buf + size - 8, &bits, 8);
  else
    store_be64(s->buf + size - 8, bits);
  hash_block(s, s->buf);
  switch (s->algorithm) {
    case SHA512:
      for (int i = 0; i < 8; i++) store_be64(out + 8 * i, s->h.w64[i]);
      break;
    case MD5:
      __builtin_memcpy(out, s->h.w32, 16);
      break;
    default:
      for (uint32_t i = 0; i < digest_bytes(s->algorithm) / 4; i++) store_be32(out + 4 * i, s->h.w32[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// HMAC (RFC 2104) and PBKDF2 (RFC 8018 section 5.2).

static hash_state inner_key, outer_key, work_state;  // the keyed states, then a copy being used
static uint8_t pad[128], inner_digest[64];

static void hmac_key(int algorithm, const uint8_t *key, uint32_t key_len) {
  uint32_t size = block_bytes(algorithm);
  __builtin_memset(pad, 0, sizeof pad);
  if (key_len > size) {  // a long key is hashed first
    hash_init(&work_state, algorithm);
    hash_update(&work_state, key, key_len);
    hash_final(&work_state, pad);
  } else {
    __builtin_memcpy(pad, key, key_len);
  }
  for (uint32_t i = 0; i < size; i++) pad[i] ^= 0x36;
  hash_init(&inner_key, algorithm);
  hash_update(&inner_key, pad, size);
  for (uint32_t i = 0; i < size; i++) pad[i] ^= 0x36 ^ 0x5c;
  hash_init(&outer_key, algorithm);
  hash_update(&outer_key, pad, size);
}

/** HMAC of a || b under the key hmac_key set. */
static void hmac_two(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len, uint8_t *out) {
  work_state = inner_key;
  hash_update(&work_state, a, a_len);
  hash_update(&work_state, b, b_len);
  hash_final(&work_state, inner_digest);
  work_state = outer_key;
  hash_update(&work_state, inner_digest, digest_bytes(work_state.algorithm));
  hash_final(&work_state, out);
}

static union {
  uint32_t w32[16];
  uint64_t w64[16];
} u_block, t_sum;  // U_i as a padded message block, and the running xor of the U_i
static union {
  uint32_t w32[8];
  uint64_t w64[8];
} state;

// U_2..U_c of one PBKDF2 block, on words: each HMAC is two compressions from the keyed states, of a
// one-block message (the previous digest of `n` words, the padding bit, zeros, and the length of key
// block + digest in bits). One definition for the three hashes, on their word type and `lanes`.
#define PBKDF2_ITERATE(name, word, lanes, n, compress, pad, bits)  \
  static void name(uint32_t iterations) {                          \
    word *m = u_block.lanes;                                       \
    for (int i = n; i < 16; i++) m[i] = 0;                         \
    m[n] = pad;                                                    \
    m[15] = bits;                                                  \
    for (uint32_t k = 1; k < iterations; k++) {                    \
      for (int i = 0; i < n; i++) state.lanes[i] = inner_key.h.lanes[i]; \
      compress(state.lanes, m);                                    \
      for (int i = 0; i < n; i++) m[i] = state.lanes[i];           \
      for (int i = 0; i < n; i++) state.lanes[i] = outer_key.h.lanes[i]; \
      compress(state.lanes, m);                                    \
      for (int i = 0; i < n; i++) {                                \
        m[i] = state.lanes[i];                                     \
        t_sum.lanes[i] ^= state.lanes[i];                          \
      }                                                            \
    }                                                              \
  }

PBKDF2_ITERATE(pbkdf2_iterate_sha1, uint32_t, w32, 5, sha1_compress, 0x80000000u, (64 + 20) * 8)
PBKDF2_ITERATE(pbkdf2_iterate_sha256, uint32_t, w32, 8, sha256_compress, 0x80000000u, (64 + 32) * 8)
PBKDF2_ITERATE(pbkdf2_iterate_sha512, uint64_t, w64, 8, sha512_compress, 0x8000000000000000ULL, (128 + 64) * 8)

static uint8_t block_out[64];  // T_i as bytes

// PBKDF2 with SHA-1, SHA-256 or SHA-512 (the ones werkzeug writes), any output length.
static void pbkdf2_core(int algorithm, uint32_t iterations, const uint8_t *pwd, uint32_t pwd_len, const uint8_t *salt,
                        uint32_t salt_len, uint8_t *out, uint32_t out_len) {
  uint32_t size = digest_bytes(algorithm);
  hmac_key(algorithm, pwd, pwd_len);
  for (uint32_t block = 1; out_len > 0; block++) {
    uint8_t index[4];
    store_be32(index, block);
    hmac_two(salt, salt_len, index, 4, block_out);  // U_1 = HMAC(P, S || INT(i))
    if (algorithm == SHA512) {
      for (int i = 0; i < 8; i++) u_block.w64[i] = t_sum.w64[i] = load_be64(block_out + 8 * i);
      pbkdf2_iterate_sha512(iterations);
      for (int i = 0; i < 8; i++) store_be64(block_out + 8 * i, t_sum.w64[i]);
    } else if (algorithm == SHA256) {
      for (int i = 0; i < 8; i++) u_block.w32[i] = t_sum.w32[i] = load_be32(block_out + 4 * i);
      pbkdf2_iterate_sha256(iterations);
      for (int i = 0; i < 8; i++) store_be32(block_out + 4 * i, t_sum.w32[i]);
    } else {
      for (int i = 0; i < 5; i++) u_block.w32[i] = t_sum.w32[i] = load_be32(block_out + 4 * i);
      pbkdf2_iterate_sha1(iterations);
      for (int i = 0; i < 5; i++) store_be32(block_out + 4 * i, t_sum.w32[i]);
    }
    uint32_t take = out_len < size ? out_len : size;
    __builtin_memcpy(out, block_out, take);
    out += take;
    out_len -= take;
  }
}

// ---------------------------------------------------------------------------------------------
// scrypt (RFC 7914): Salsa20/8, BlockMix, ROMix, between two PBKDF2-HMAC-SHA256 of one iteration.
//
// Salsa20's state x0..x15 is kept as four vectors of its diagonals, A = (x0, x5, x10, x15),
// B = (x4, x9, x14, x3), C = (x8, x13, x2, x7), D = (x12, x1, x6, x11): a column round is then four
// quarter-rounds at once on (A, B, C, D) lane by lane, and a row round the same on A and rotated
// B, C, D. ROMix works on 64-byte blocks stored in this order throughout (adding and xoring blocks
// do not care about the order; Integerify reads x0, which stays first); B is put into the order on
// the way in and back on the way out.

typedef struct {
  v128_t v[4];
} salsa_block;

static const uint8_t DIAGONAL[16] = {0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11};

INLINE v128_t rotl_v(v128_t x, int n) { return wasm_v128_or(wasm_i32x4_shl(x, n), wasm_u32x4_shr(x, 32 - n)); }

// x = Salsa20/8(x ^ in), in place; `in` may be x itself xored in already.
INLINE void salsa_xor(salsa_block *x, const salsa_block *in) {
  v128_t a = wasm_v128_xor(x->v[0], in->v[0]), b = wasm_v128_xor(x->v[1], in->v[1]);
  v128_t c = wasm_v128_xor(x->v[2], in->v[2]), d = wasm_v128_xor(x->v[3], in->v[3]);
  v128_t a0 = a, b0 = b, c0 = c, d0 = d;
  for (int i = 0; i < 4; i++) {
    // Columns: (x0, x4, x8, x12), (x5, x9, x13, x1), (x10, x14, x2, x6), (x15, x3, x7, x11).
    b = wasm_v128_xor(b, rotl_v(wasm_i32x4_add(a, d), 7));
    c = wasm_v128_xor(c, rotl_v(wasm_i32x4_add(b, a), 9));
    d = wasm_v128_xor(d, rotl_v(wasm_i32x4_add(c, b), 13));
    a = wasm_v128_xor(a, rotl_v(wasm_i32x4_add(d, c), 18));
    // Rows: (x0, x1, x2, x3), (x5, x6, x7, x4), (x10, x11, x8, x9), (x15, x12, x13, x14): lane k
    // needs the row's second word from D, third from C, fourth from B, each rotated into place.
    v128_t rb = wasm_i32x4_shuffle(d, d, 1, 2, 3, 0);
    v128_t rc = wasm_i32x4_shuffle(c, c, 2, 3, 0, 1);
    v128_t rd = wasm_i32x4_shuffle(b, b, 3, 0, 1, 2);
    rb = wasm_v128_xor(rb, rotl_v(wasm_i32x4_add(a, rd), 7));
    rc = wasm_v128_xor(rc, rotl_v(wasm_i32x4_add(rb, a), 9));
    rd = wasm_v128_xor(rd, rotl_v(wasm_i32x4_add(rc, rb), 13));
    a = wasm_v128_xor(a, rotl_v(wasm_i32x4_add(rd, rc), 18));
    d = wasm_i32x4_shuffle(rb, rb, 3, 0, 1, 2);
    c = wasm_i32x4_shuffle(rc, rc, 2, 3, 0, 1);
    b = wasm_i32x4_shuffle(rd, rd, 1, 2, 3, 0);
  }
  x->v[0] = wasm_i32x4_add(a, a0);
  x->v[1] = wasm_i32x4_add(b, b0);
  x->v[2] = wasm_i32x4_add(c, c0);
  x->v[3] = wasm_i32x4_add(d, d0);
}

static salsa_block mix_x;

// out = BlockMix(in ^ other) over 2r blocks (other may be null): the even outputs to the first half,
// the odd ones to the second.
static void block_mix(const salsa_block *in, const salsa_block *other, salsa_block *out, uint32_t r) {
  salsa_block *x = &mix_x;
  *x = in[2 * r - 1];
  if (other)
    for (int k = 0; k < 4; k++) x->v[k] = wasm_v128_xor(x->v[k], other[2 * r - 1].v[k]);
  for (uint32_t i = 0; i < 2 * r; i++) {
    if (other) {
      salsa_block both;
      for (int k = 0; k < 4; k++) both.v[k] = wasm_v128_xor(in[i].v[k], other[i].v[k]);
      salsa_xor(x, &both);
    } else {
      salsa_xor(x, &in[i]);
    }
    out[(i & 1) * r + i / 2] = *x;
  }
}

static void diagonal_order(uint8_t *bytes, uint32_t blocks, int back) {
  for (uint32_t b = 0; b < blocks; b++) {
    uint32_t *w = (uint32_t *)(bytes + 64 * b), copy[16];
    for (int i = 0; i < 16; i++) copy[i] = w[i];
    for (int i = 0; i < 16; i++) {
      if (back)
        w[DIAGONAL[i]] = copy[i];
      else
        w[i] = copy[DIAGONAL[i]];
    }
  }
}

// ROMix on one 128·r-byte chunk of B, in diagonal order, with v (N chunks) and two chunks of scratch.
static void romix(salsa_block *b, salsa_block *v, salsa_block *scratch, uint32_t r, uint32_t n) {
  uint32_t chunk = 2 * r;
  __builtin_memcpy(v, b, 128 * r);
  for (uint32_t i = 0; i + 1 < n; i++) block_mix(v + i * chunk, 0, v + (i + 1) * chunk, r);
  salsa_block *x = scratch, *y = scratch + chunk;
  block_mix(v + (n - 1) * chunk, 0, x, r);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t j;
    __builtin_memcpy(&j, &x[chunk - 1], 4);  // Integerify: x0 of the last block, mod N (a power of 2)
    j &= n - 1;
    block_mix(x, v + j * chunk, y, r);
    salsa_block *t = x;
    x = y;
    y = t;
  }
  __builtin_memcpy(b, x, 128 * r);
}

// ---------------------------------------------------------------------------------------------
// The exports, and the wipe every one of them ends with.

extern unsigned char __heap_base;

static uint8_t *io;
static uint32_t io_size;
static uint8_t *work;
static uint64_t work_size;

static uintptr_t align(uintptr_t x, uintptr_t to) { return (x + to - 1) & ~(to - 1); }

EXPORT("prepare") uint8_t *prepare(uint32_t io_bytes, uint32_t work_bytes) {
  uintptr_t io_at = align((uintptr_t)&__heap_base, 64);
  uint64_t work_at = align(io_at + (uint64_t)io_bytes, 64);
  uint64_t end = work_at + work_bytes;
  if (end > 0xFFFF0000ULL) return 0;
  uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * 65536;
  if (end > have && __builtin_wasm_memory_grow(0, (uintptr_t)((end - have + 65535) / 65536)) == (uintptr_t)-1)
    return 0;
  io = (uint8_t *)io_at;
  io_size = io_bytes;
  work = (uint8_t *)(uintptr_t)work_at;
  work_size = work_bytes;
  return io;
}

static void wipe(uint32_t keep_from, uint32_t keep_len, uint64_t work_used) {
  __builtin_memset(work, 0, (uintptr_t)work_used);
  __builtin_memset(io, 0, keep_from);
  __builtin_memset(io + keep_from + keep_len, 0, io_size - keep_from - keep_len);
  __builtin_memset(&words, 0, sizeof words);
  __builtin_memset(&inner_key, 0, sizeof inner_key);
  __builtin_memset(&outer_key, 0, sizeof outer_key);
  __builtin_memset(&work_state, 0, sizeof work_state);
  __builtin_memset(pad, 0, sizeof pad);
  __builtin_memset(inner_digest, 0, sizeof inner_digest);
  __builtin_memset(&u_block, 0, sizeof u_block);
  __builtin_memset(&t_sum, 0, sizeof t_sum);
  __builtin_memset(&state, 0, sizeof state);
  __builtin_memset(block_out, 0, sizeof block_out);
  __builtin_memset(&mix_x, 0, sizeof mix_x);
}

static int known(int algorithm) { return algorithm == SHA1 || algorithm == SHA256 || algorithm == SHA512 || algorithm == MD5; }

INLINE int fits(uint64_t bytes) { return io && bytes <= io_size; }

EXPORT("digest") int digest(int algorithm, uint32_t in_len) {
  uint32_t out_len = digest_bytes(algorithm);
  if (!known(algorithm) || !fits((uint64_t)in_len + out_len)) return ERR_PARAMS;
  hash_init(&work_state, algorithm);
  hash_update(&work_state, io, in_len);
  hash_final(&work_state, io + in_len);
  wipe(in_len, out_len, 0);
  return 0;
}

EXPORT("hmac") int hmac(int algorithm, uint32_t key_len, uint32_t msg_len) {
  uint32_t out_len = digest_bytes(algorithm);
  uint64_t inputs = (uint64_t)key_len + msg_len;
  if (!known(algorithm) || !fits(inputs + out_len)) return ERR_PARAMS;
  hmac_key(algorithm, io, key_len);
  hmac_two(io + key_len, msg_len, 0, 0, io + inputs);
  wipe((uint32_t)inputs, out_len, 0);
  return 0;
}

EXPORT("pbkdf2")
int pbkdf2(int algorithm, uint32_t iterations, uint32_t pwd_len, uint32_t salt_len, uint32_t dk_len) {
  uint64_t inputs = (uint64_t)pwd_len + salt_len;
  if (algorithm == MD5 || !known(algorithm) || iterations < 1 || dk_len < 1 || !fits(inputs + dk_len))
    return ERR_PARAMS;
  pbkdf2_core(algorithm, iterations, io, pwd_len, io + pwd_len, salt_len, io + inputs, dk_len);
  wipe((uint32_t)inputs, dk_len, 0);
  return 0;
}

EXPORT("scrypt")
int scrypt(uint32_t n, uint32_t r, uint32_t p, uint32_t pwd_len, uint32_t salt_len, uint32_t dk_len) {
  uint64_t inputs = (uint64_t)pwd_len + salt_len;
  if (n < 2 || (n & (n - 1)) != 0 || r < 1 || p < 1 || dk_len < 1 || !fits(inputs + dk_len)) return ERR_PARAMS;
  uint64_t chunk = 128 * (uint64_t)r, b_bytes = chunk * p, needed = chunk * ((uint64_t)n + p + 2);
  if (!work || needed > work_size || b_bytes > 0xFFFFFFFFu) return ERR_MEMORY;
  uint8_t *b = work;
  salsa_block *v = (salsa_block *)(work + b_bytes), *scratch = v + (uint64_t)n * 2 * r;
  const uint8_t *pwd = io, *salt = io + pwd_len;
  pbkdf2_core(SHA256, 1, pwd, pwd_len, salt, salt_len, b, (uint32_t)b_bytes);
  diagonal_order(b, (uint32_t)(b_bytes / 64), 0);
  for (uint32_t i = 0; i < p; i++) romix((salsa_block *)(b + i * chunk), v, scratch, r, n);
  diagonal_order(b, (uint32_t)(b_bytes / 64), 1);
  pbkdf2_core(SHA256, 1, pwd, pwd_len, b, (uint32_t)b_bytes, io + inputs, dk_len);
  wipe((uint32_t)inputs, dk_len, needed);
  return 0;
}
