// argon2id (RFC 9106) and the BLAKE2b it is built on (RFC 7693), written for WebAssembly SIMD.
//
// Why our own: the argon2 builds published on npm compile the reference C's SSE code through
// emscripten's SSE emulation, where the 32x32->64 multiply and the byte shuffles of the 64-bit
// rotations turn into long instruction sequences. Here the BlaMka permutation is written directly
// against wasm_simd128.h: one 128-bit vector holds two of the 16 64-bit words of a permutation's
// state, the eight vectors of a row or column stay in locals (registers once compiled), rotations by
// 32/24/16 are single shuffles and by 63 a shift, an add and a xor.
//
// Built by scripts/build-wasm.sh (clang + wasm-ld, wasm32, no libc) into argon2.wasm next to this
// file, which is committed; `.ci/run` rebuilds it and fails if the bytes differ.
//
// The C API, for app/passwords/password.server.ts (all offsets are in the exported memory):
//   argon2_prepare(io_bytes, memory_kib) -> io offset (0 if memory cannot grow that far). The caller
//     writes password | salt | secret | associated data (| expected tag, to verify) at io.
//   argon2id_hash(t, m, p, version, password_len, salt_len, secret_len, ad_len, tag_len) -> 0 or an
//     error below; the tag is written at io + the inputs' total length.
//   argon2id_verify(same arguments) -> 1 if the tag computed equals the one stored after the inputs
//     (compared in constant time), 0 if not, or an error.
//   blake2b(out_len, in_len) -> BLAKE2b-out_len of io[0..in_len) written at io + in_len (for tests).
// Every call wipes the work memory, the password, the other inputs and its own scratch state before
// it returns: only the tag of argon2id_hash is left (and the caller wipes it once read).

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define INLINE static inline __attribute__((always_inline))

enum {
  ERR_PARAMS = -1,  // t, m, p, version or a length outside what RFC 9106 allows
  ERR_MEMORY = -2,  // argon2_prepare was not called for this much memory
};

// ---------------------------------------------------------------------------------------------
// BLAKE2b (RFC 7693), unkeyed, any output length from 1 to 64 bytes.

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint8_t SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

typedef struct {
  uint64_t h[8];
  uint64_t t;        // bytes compressed so far (inputs here stay far below 2^64)
  uint8_t buf[128];  // the block not yet compressed: the last one is compressed with the final flag
  uint32_t fill;
  uint32_t out_len;
} blake2b_state;

// Scratch that sees password-derived bytes lives here, not on the shadow stack, so that wipe() can
// clear it: a compiler may drop a memset of a local that is never read again.
static blake2b_state b2;
static uint64_t b2_words[16];
static uint8_t b2_chain[64];
static uint8_t h0[64];

INLINE uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

INLINE uint64_t load64(const uint8_t *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);  // wasm is little-endian, as BLAKE2b and argon2 are
  return v;
}

static void blake2b_compress(blake2b_state *s, const uint8_t *block, int last) {
  uint64_t *m = b2_words, v[16];  // v stays in wasm locals: its indices are constants once unrolled
  for (int i = 0; i < 16; i++) m[i] = load64(block + 8 * i);
  for (int i = 0; i < 8; i++) {
    v[i] = s->h[i];
    v[i + 8] = IV[i];
  }
  v[12] ^= s->t;
  if (last) v[14] = ~v[14];
#define B2G(a, b, c, d, x, y)        \
  a = a + b + x;                     \
  d = rotr64(d ^ a, 32);             \
  c = c + d;                         \
  b = rotr64(b ^ c, 24);             \
  a = a + b + y;                     \
  d = rotr64(d ^ a, 16);             \
  c = c + d;                         \
  b = rotr64(b ^ c, 63);
  for (int r = 0; r < 12; r++) {
    const uint8_t *z = SIGMA[r];
    B2G(v[0], v[4], v[8], v[12], m[z[0]], m[z[1]]);
    B2G(v[1], v[5], v[9], v[13], m[z[2]], m[z[3]]);
    B2G(v[2], v[6], v[10], v[14], m[z[4]], m[z[5]]);
    B2G(v[3], v[7], v[11], v[15], m[z[6]], m[z[7]]);
    B2G(v[0], v[5], v[10], v[15], m[z[8]], m[z[9]]);
    B2G(v[1], v[6], v[11], v[12], m[z[10]], m[z[11]]);
    B2G(v[2], v[7], v[8], v[13], m[z[12]], m[z[13]]);
    B2G(v[3], v[4], v[9], v[14], m[z[14]], m[z[15]]);
  }
#undef B2G
  for (int i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
}

static void blake2b_init(blake2b_state *s, uint32_t out_len) {
  for (int i = 0; i < 8; i++) s->h[i] = IV[i];
  s->h[0] ^= 0x01010000ULL ^ out_len;  // parameter block: depth 1, fanout 1, no key, out_len bytes
  s->t = 0;
  s->fill = 0;
  s->out_len = out_len;
}

static void blake2b_update(blake2b_state *s, const uint8_t *in, uint32_t len) {
  while (len > 0) {
    if (s->fill == 128) {  // a full buffer is compressed only once more input shows it is not the last
      s->t += 128;
      blake2b_compress(s, s->buf, 0);
      s->fill = 0;
    }
    uint32_t take = 128 - s->fill;
    if (take > len) take = len;
    __builtin_memcpy(s->buf + s->fill, in, take);
    s->fill += take;
    in += take;
    len -= take;
  }
}

INLINE void blake2b_update32(blake2b_state *s, uint32_t x) {
  uint8_t le[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
  blake2b_update(s, le, 4);
}

static void blake2b_final(blake2b_state *s, uint8_t *out) {
  s->t += s->fill;
  __builtin_memset(s->buf + s->fill, 0, 128 - s->fill);
  blake2b_compress(s, s->buf, 1);
  __builtin_memcpy(out, s->h, s->out_len);
}

// H' of RFC 9106 section 3.3, the variable-length hash: out_len bytes of H'(LE32(out_len) || a || b).
static void hprime(uint8_t *out, uint32_t out_len, const uint8_t *a, uint32_t a_len, const uint8_t *b,
                   uint32_t b_len) {
  blake2b_state *s = &b2;
  uint8_t *v = b2_chain;
  blake2b_init(s, out_len <= 64 ? out_len : 64);
  blake2b_update32(s, out_len);
  blake2b_update(s, a, a_len);
  blake2b_update(s, b, b_len);
  if (out_len <= 64) {
    blake2b_final(s, out);
    return;
  }
  blake2b_final(s, v);
  __builtin_memcpy(out, v, 32);  // W1: the first half of V1
  out += 32;
  uint32_t left = out_len - 32;
  while (left > 64) {  // V2..Vr, each the hash of the one before, contribute their first 32 bytes
    blake2b_init(s, 64);
    blake2b_update(s, v, 64);
    blake2b_final(s, v);
    __builtin_memcpy(out, v, 32);
    out += 32;
    left -= 32;
  }
  blake2b_init(s, left);  // V(r+1): the last 'left' bytes, whole
  blake2b_update(s, v, 64);
  blake2b_final(s, out);
}

// ---------------------------------------------------------------------------------------------
// The compression function G of RFC 9106 section 3.5, on 1 KiB blocks of 64 vectors.

typedef struct {
  v128_t v[64];  // vector k holds the 64-bit words 2k (low lane) and 2k+1 (high lane)
} block;

// BlaMka's multiplication-hardened addition, a + b + 2 * lo32(a) * lo32(b) in each 64-bit lane, on two
// vector pairs at once: extmul multiplies adjacent 32-bit lanes, so one two-input shuffle per operand
// gathers the low halves of four words, and the low and high extmul each give one pair's products.
// (One vector at a time needs a shuffle per operand per pair: 5 x64 instructions a product, not 4.)
#define BLAMKA2(a0, b0, a1, b1)                                                \
  do {                                                                         \
    v128_t al = wasm_i32x4_shuffle(a0, a1, 0, 2, 4, 6);                        \
    v128_t bl = wasm_i32x4_shuffle(b0, b1, 0, 2, 4, 6);                        \
    v128_t p0 = wasm_u64x2_extmul_low_u32x4(al, bl);                           \
    v128_t p1 = wasm_u64x2_extmul_high_u32x4(al, bl);                          \
    a0 = wasm_i64x2_add(wasm_i64x2_add(a0, b0), wasm_i64x2_add(p0, p0));       \
    a1 = wasm_i64x2_add(wasm_i64x2_add(a1, b1), wasm_i64x2_add(p1, p1));       \
  } while (0)

INLINE v128_t rotr32(v128_t x) { return wasm_i32x4_shuffle(x, x, 1, 0, 3, 2); }
INLINE v128_t rotr24(v128_t x) {
  return wasm_i8x16_shuffle(x, x, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
}
INLINE v128_t rotr16(v128_t x) {
  return wasm_i8x16_shuffle(x, x, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
}
INLINE v128_t rotr63(v128_t x) { return wasm_v128_xor(wasm_u64x2_shr(x, 63), wasm_i64x2_add(x, x)); }

// GB of RFC 9106 section 3.6 on four columns (or diagonals) at once: (a0, b0, c0, d0) hold two, (a1, ...) two.
#define GB2(a0, b0, c0, d0, a1, b1, c1, d1)                                    \
  do {                                                                         \
    BLAMKA2(a0, b0, a1, b1);                                                   \
    d0 = rotr32(wasm_v128_xor(d0, a0));                                        \
    d1 = rotr32(wasm_v128_xor(d1, a1));                                        \
    BLAMKA2(c0, d0, c1, d1);                                                   \
    b0 = rotr24(wasm_v128_xor(b0, c0));                                        \
    b1 = rotr24(wasm_v128_xor(b1, c1));                                        \
    BLAMKA2(a0, b0, a1, b1);                                                   \
    d0 = rotr16(wasm_v128_xor(d0, a0));                                        \
    d1 = rotr16(wasm_v128_xor(d1, a1));                                        \
    BLAMKA2(c0, d0, c1, d1);                                                   \
    b0 = rotr63(wasm_v128_xor(b0, c0));                                        \
    b1 = rotr63(wasm_v128_xor(b1, c1));                                        \
  } while (0)

// The permutation P on 16 words v0..v15 held as a0=(v0,v1), a1=(v2,v3), b0=(v4,v5), ... d1=(v14,v15):
// GB on the four columns, then on the four diagonals, which the shuffles line up in the same lanes.
#define PERMUTE(a0, a1, b0, b1, c0, c1, d0, d1)      \
  do {                                               \
    GB2(a0, b0, c0, d0, a1, b1, c1, d1);             \
    v128_t tb0 = wasm_i64x2_shuffle(b0, b1, 1, 2);   \
    v128_t tb1 = wasm_i64x2_shuffle(b1, b0, 1, 2);   \
    v128_t td0 = wasm_i64x2_shuffle(d1, d0, 1, 2);   \
    v128_t td1 = wasm_i64x2_shuffle(d0, d1, 1, 2);   \
    GB2(a0, tb0, c1, td0, a1, tb1, c0, td1);         \
    b0 = wasm_i64x2_shuffle(tb1, tb0, 1, 2);         \
    b1 = wasm_i64x2_shuffle(tb0, tb1, 1, 2);         \
    d0 = wasm_i64x2_shuffle(td0, td1, 1, 2);         \
    d1 = wasm_i64x2_shuffle(td1, td0, 1, 2);         \
  } while (0)

static block scratch_r, scratch_q;  // R = X ^ Y (plus the old block when xoring), and P applied to rows

// next = G(prev, ref), or next ^= G(prev, ref) when `xor` (passes after the first, version 0x13).
// Rows are read straight from the two inputs and columns written straight to the output.
static void fill_block(const block *prev, const block *ref, block *next, int xor) {
  block *r = &scratch_r, *q = &scratch_q;
  for (int i = 0; i < 8; i++) {
    v128_t x[8];
    for (int k = 0; k < 8; k++) {
      x[k] = wasm_v128_xor(wasm_v128_load(&prev->v[8 * i + k]), wasm_v128_load(&ref->v[8 * i + k]));
      v128_t keep = xor ? wasm_v128_xor(x[k], wasm_v128_load(&next->v[8 * i + k])) : x[k];
      wasm_v128_store(&r->v[8 * i + k], keep);
    }
    PERMUTE(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
    for (int k = 0; k < 8; k++) wasm_v128_store(&q->v[8 * i + k], x[k]);
  }
  for (int j = 0; j < 8; j++) {
    v128_t x[8];
    for (int k = 0; k < 8; k++) x[k] = wasm_v128_load(&q->v[j + 8 * k]);
    PERMUTE(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
    for (int k = 0; k < 8; k++)
      wasm_v128_store(&next->v[j + 8 * k], wasm_v128_xor(x[k], wasm_v128_load(&r->v[j + 8 * k])));
  }
}

// ---------------------------------------------------------------------------------------------
// argon2id (RFC 9106 section 3).

extern unsigned char __heap_base;

static uint8_t *io;       // the caller's inputs and the tag
static block *memory;     // the m' blocks, lane after lane
static uint32_t memory_blocks;  // how many blocks argon2_prepare made room for

static block zero_block, address_input, address_block, tmp_block;

static uintptr_t align(uintptr_t x, uintptr_t to) { return (x + to - 1) & ~(to - 1); }

EXPORT("argon2_prepare") uint8_t *argon2_prepare(uint32_t io_bytes, uint32_t memory_kib) {
  uintptr_t io_at = align((uintptr_t)&__heap_base, 64);
  uint64_t blocks_at = align(io_at + (uint64_t)io_bytes, 1024);
  uint64_t end = blocks_at + (uint64_t)memory_kib * 1024;
  if (end > 0xFFFF0000ULL) return 0;
  uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * 65536;
  if (end > have && __builtin_wasm_memory_grow(0, (uintptr_t)((end - have + 65535) / 65536)) == (uintptr_t)-1)
    return 0;
  io = (uint8_t *)io_at;
  memory = (block *)(uintptr_t)blocks_at;
  memory_blocks = memory_kib;
  return io;
}

// The next 128 pseudo-random reference words of a data-independent segment: G(0, G(0, input)).
static void next_addresses(void) {
  uint64_t *counter = (uint64_t *)&address_input.v[3];  // word 6
  *counter += 1;
  fill_block(&zero_block, &address_input, &tmp_block, 0);
  fill_block(&zero_block, &tmp_block, &address_block, 0);
}

INLINE uint64_t word(const block *b, uint32_t i) {
  uint64_t w;
  __builtin_memcpy(&w, (const uint8_t *)b + 8 * i, 8);
  return w;
}

static void fill_segment(uint32_t pass, uint32_t lane, uint32_t slice, uint32_t lanes, uint32_t lane_length,
                         uint32_t passes, uint32_t total, int xor) {
  uint32_t segment_length = lane_length / 4;
  int independent = pass == 0 && slice < 2;  // argon2id: argon2i addressing for the first half of pass 0
  if (independent) {
    uint64_t z[8] = {pass, lane, slice, total, passes, 2 /* argon2id */, 0, 0};
    __builtin_memset(&address_input, 0, sizeof address_input);
    __builtin_memcpy(&address_input, z, sizeof z);
  }
  uint32_t start = pass == 0 && slice == 0 ? 2 : 0;  // the first two blocks of each lane come from H0
  if (independent && start != 0) next_addresses();
  block *lane_base = memory + (uint64_t)lane * lane_length;
  for (uint32_t i = start; i < segment_length; i++) {
    uint32_t index = slice * segment_length + i;
    block *cur = lane_base + index;
    block *prev = index == 0 ? lane_base + lane_length - 1 : cur - 1;
    uint64_t pseudo;
    if (independent) {
      if (i % 128 == 0) next_addresses();
      pseudo = word(&address_block, i % 128);
    } else {
      pseudo = word(prev, 0);
    }
    uint32_t j1 = (uint32_t)pseudo, j2 = (uint32_t)(pseudo >> 32);
    uint32_t ref_lane = pass == 0 && slice == 0 ? lane : j2 % lanes;
    int same_lane = ref_lane == lane;
    // The reference set W (RFC 9106 section 3.4.1.2): blocks already computed that may be referenced.
    uint32_t area;
    if (pass == 0)
      area = slice * segment_length + (same_lane ? i - 1 : (i == 0 ? -1u : 0));
    else
      area = lane_length - segment_length + (same_lane ? i - 1 : (i == 0 ? -1u : 0));
    uint64_t x = ((uint64_t)j1 * j1) >> 32;
    uint32_t relative = area - 1 - (uint32_t)(((uint64_t)area * x) >> 32);
    uint32_t first = pass == 0 || slice == 3 ? 0 : (slice + 1) * segment_length;
    uint32_t ref_index = (uint32_t)(((uint64_t)first + relative) % lane_length);
    fill_block(prev, memory + (uint64_t)ref_lane * lane_length + ref_index, cur, xor);
  }
}

static void wipe(uint32_t keep_from, uint32_t keep_len, uint32_t io_len, uint32_t blocks) {
  __builtin_memset(memory, 0, (uintptr_t)blocks * sizeof(block));
  __builtin_memset(io, 0, keep_from);
  __builtin_memset(io + keep_from + keep_len, 0, io_len - keep_from - keep_len);
  __builtin_memset(&scratch_r, 0, sizeof scratch_r);
  __builtin_memset(&scratch_q, 0, sizeof scratch_q);
  __builtin_memset(&address_input, 0, sizeof address_input);
  __builtin_memset(&address_block, 0, sizeof address_block);
  __builtin_memset(&tmp_block, 0, sizeof tmp_block);
  __builtin_memset(&b2, 0, sizeof b2);
  __builtin_memset(b2_words, 0, sizeof b2_words);
  __builtin_memset(b2_chain, 0, sizeof b2_chain);
  __builtin_memset(h0, 0, sizeof h0);
}

static int argon2id(uint32_t t, uint32_t m, uint32_t p, uint32_t version, uint32_t pwd_len, uint32_t salt_len,
                    uint32_t secret_len, uint32_t ad_len, uint32_t tag_len, int verify) {
  // Limits of RFC 9106 section 3.1 (and of a 32-bit address space for m).
  if (t < 1 || p < 1 || p > 0xFFFFFF || m < 8 * p || tag_len < 4 || salt_len < 8) return ERR_PARAMS;
  if (version != 0x10 && version != 0x13) return ERR_PARAMS;
  uint32_t lanes = p, lane_length = m / (4 * p) * 4, total = lane_length * p;  // m' = 4p * floor(m / 4p)
  uint64_t inputs = (uint64_t)pwd_len + salt_len + secret_len + ad_len;
  uint64_t io_len = inputs + (uint64_t)tag_len * (verify ? 2 : 1);
  if (!memory || total > memory_blocks || (uint8_t *)memory < io + io_len) return ERR_MEMORY;

  const uint8_t *pwd = io, *salt = pwd + pwd_len, *secret = salt + salt_len, *ad = secret + secret_len;
  uint8_t *tag = io + inputs;

  // H0 (section 3.2).
  blake2b_state *s = &b2;
  blake2b_init(s, 64);
  blake2b_update32(s, p);
  blake2b_update32(s, tag_len);
  blake2b_update32(s, m);
  blake2b_update32(s, t);
  blake2b_update32(s, version);
  blake2b_update32(s, 2);  // y = 2: argon2id
  blake2b_update32(s, pwd_len);
  blake2b_update(s, pwd, pwd_len);
  blake2b_update32(s, salt_len);
  blake2b_update(s, salt, salt_len);
  blake2b_update32(s, secret_len);
  blake2b_update(s, secret, secret_len);
  blake2b_update32(s, ad_len);
  blake2b_update(s, ad, ad_len);
  blake2b_final(s, h0);

  for (uint32_t lane = 0; lane < lanes; lane++) {
    for (uint32_t k = 0; k < 2; k++) {
      uint8_t suffix[8] = {(uint8_t)k,    0, 0, 0, (uint8_t)lane, (uint8_t)(lane >> 8), (uint8_t)(lane >> 16),
                           (uint8_t)(lane >> 24)};
      hprime((uint8_t *)(memory + (uint64_t)lane * lane_length + k), 1024, h0, 64, suffix, 8);
    }
  }

  for (uint32_t pass = 0; pass < t; pass++)
    for (uint32_t slice = 0; slice < 4; slice++)
      for (uint32_t lane = 0; lane < lanes; lane++)
        fill_segment(pass, lane, slice, lanes, lane_length, t, total, pass > 0 && version == 0x13);

  // The tag: H' of the xor of each lane's last block.
  block *final = &tmp_block;
  *final = memory[lane_length - 1];
  for (uint32_t lane = 1; lane < lanes; lane++)
    for (int k = 0; k < 64; k++)
      final->v[k] = wasm_v128_xor(final->v[k], memory[(uint64_t)lane * lane_length + lane_length - 1].v[k]);
  hprime(tag, tag_len, (const uint8_t *)final, sizeof *final, 0, 0);

  int result = 0;
  if (verify) {
    uint8_t difference = 0;  // constant time: every byte is looked at, whatever the first mismatch
    for (uint32_t i = 0; i < tag_len; i++) difference |= tag[i] ^ tag[tag_len + i];
    result = difference == 0;
    wipe(0, 0, (uint32_t)io_len, total);
  } else {
    wipe((uint32_t)inputs, tag_len, (uint32_t)io_len, total);
  }
  return result;
}

EXPORT("argon2id_hash")
int argon2id_hash(uint32_t t, uint32_t m, uint32_t p, uint32_t version, uint32_t pwd_len, uint32_t salt_len,
                  uint32_t secret_len, uint32_t ad_len, uint32_t tag_len) {
  return argon2id(t, m, p, version, pwd_len, salt_len, secret_len, ad_len, tag_len, 0);
}

EXPORT("argon2id_verify")
int argon2id_verify(uint32_t t, uint32_t m, uint32_t p, uint32_t version, uint32_t pwd_len, uint32_t salt_len,
                    uint32_t secret_len, uint32_t ad_len, uint32_t tag_len) {
  return argon2id(t, m, p, version, pwd_len, salt_len, secret_len, ad_len, tag_len, 1);
}

EXPORT("blake2b") int blake2b(uint32_t out_len, uint32_t in_len) {
  if (!io || out_len < 1 || out_len > 64 || (uint8_t *)memory < io + (uint64_t)in_len + out_len) return ERR_PARAMS;
  blake2b_init(&b2, out_len);
  blake2b_update(&b2, io, in_len);
  blake2b_final(&b2, io + in_len);
  __builtin_memset(&b2, 0, sizeof b2);
  __builtin_memset(b2_words, 0, sizeof b2_words);
  return 0;
}
