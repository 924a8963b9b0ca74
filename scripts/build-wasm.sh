#!/usr/bin/env bash
# `npm run build:wasm`: compiles the password kernels, app/passwords/argon2/argon2.c and
# app/passwords/werkzeug/werkzeug.c, into the .wasm beside each (committed, so `npm ci && npm test`
# needs no compiler). Needs Debian's clang and lld (`apt-get install clang lld`).
# Reproducible: no debug info, no names or producers sections, relative paths, so the same compiler
# gives the same bytes; `.ci/run` rebuilds and fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/../app/passwords"

# -O3 and always_inline keep each permutation's state in locals; SIMD and bulk memory (memory.fill
# for the wipe, memory.copy for block copies) are in every workerd; no libc, no entry point.
for kernel in argon2 werkzeug; do
  (
    cd "$kernel"
    clang --target=wasm32 -std=c11 -O3 -msimd128 -mbulk-memory -nostdlib -ffreestanding \
      -Wall -Wextra -Werror \
      -Wl,--no-entry -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=16384 \
      -Wl,--initial-memory=131072 \
      -o "$kernel.wasm" "$kernel.c"
    chmod 644 "$kernel.wasm" # wasm-ld marks it executable; git records the mode
  )
done
