#!/usr/bin/env bash
# `npm run build:argon2`: compiles app/passwords/argon2/argon2.c into argon2.wasm beside it (committed,
# so `npm ci && npm test` needs no compiler). Needs Debian's clang and lld (`apt-get install clang lld`).
# Reproducible: no debug info, no names or producers sections, relative paths, so the same compiler
# gives the same bytes; `.ci/run` rebuilds and fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/../app/passwords/argon2"

# -O3 and always_inline keep each row/column permutation in locals; SIMD and bulk memory (memory.fill
# for the wipe, memory.copy for block copies) are in every workerd; no libc, no entry point.
clang --target=wasm32 -std=c11 -O3 -msimd128 -mbulk-memory -nostdlib -ffreestanding \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=16384 \
  -Wl,--initial-memory=131072 \
  -o argon2.wasm argon2.c
chmod 644 argon2.wasm  # wasm-ld marks it executable; git records the mode
