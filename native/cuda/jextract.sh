#!/usr/bin/env bash
# Regenerates bindings/src/main/java/dev/panamax/bindings/cuda/cuda_h.java with jextract 22+
# (https://jdk.java.net/jextract/) from the CUDA toolkit's cuda.h and includes.txt.
# Afterwards, restore the one hand edit described in README.md (CudaLibrary opens the library).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CUDA_HOME="${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")}"
exec "${JEXTRACT:-jextract}" \
    --target-package dev.panamax.bindings.cuda \
    --header-class-name cuda_h \
    --library :libcuda.so.1 \
    --output "$ROOT/bindings/src/main/java" \
    -I "$CUDA_HOME/include" \
    @"$ROOT/native/cuda/includes.txt" \
    "$CUDA_HOME/include/cuda.h"
