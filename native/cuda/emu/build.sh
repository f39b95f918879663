#!/usr/bin/env bash
# Builds the CUDA emulator: a driver double (native/cuda/mock/cuda_mock.c, -DPANAMAX_EMU) that
# RUNS the kernels of kernels/cuda, each compiled for the host with the system C++ compiler against
# the device-language shim cuda_emu.h, on the fiber runtime emu_runtime.cpp. The result,
# <out>/libcuda-emu.so, stands in for libcuda.so.1 (-Dpanamax.cuda.library=...), so the Java
# backend, its launches and the kernels' own code run end to end on a machine without a GPU.
# It checks the kernels' logic, not the GPU: see cuda_emu.h for what it does not model.
#
# usage: native/cuda/emu/build.sh --out DIR [--src DIR] [--mode auto|required|skip]
#   --mode auto      (default) without a C++ compiler: a warning and <out>/NOT-BUILT with the reason
#   --mode required  without one, or on any failure: exit 1
#   --mode skip      build nothing (<out>/NOT-BUILT says so)
# Incremental: nothing is rebuilt when the library is newer than every input.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SRC="$ROOT/kernels/cuda"
OUT=""
MODE="auto"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --src) SRC="$2"; shift 2 ;;
        --mode) MODE="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "emu/build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ -n "$OUT" ]] || { echo "emu/build.sh: --out DIR is required" >&2; exit 2; }
case "$MODE" in auto|required|skip) ;; *) echo "emu/build.sh: --mode must be auto, required or skip" >&2; exit 2 ;; esac

log() { echo "[panamax cuda-emu] $*"; }
LIB="$OUT/libcuda-emu.so"
mkdir -p "$OUT"

not_built() {  # $1: why
    rm -f "$LIB"
    echo "$1" > "$OUT/NOT-BUILT"
    if [[ "$MODE" == required ]]; then echo "emu/build.sh: $1" >&2; exit 1; fi
    log "not built: $1"
    exit 0
}

[[ "$MODE" != skip ]] || not_built "the build skipped it (-Dpanamax.cuda=skip)"
[[ "$(uname -m)" == x86_64 ]] || not_built "the emulator's fibers are written for x86-64, this is $(uname -m)"
CXX="${CXX:-}"
if [[ -z "$CXX" ]]; then
    for c in c++ g++ clang++; do if command -v "$c" >/dev/null 2>&1; then CXX="$c"; break; fi; done
fi
[[ -n "$CXX" ]] || not_built "no C++ compiler (c++, g++ or clang++) on the PATH"
CC="${CC:-cc}"
command -v "$CC" >/dev/null 2>&1 || not_built "no C compiler ($CC) on the PATH"

shopt -s nullglob
SOURCES=("$SRC"/*.cu)
[[ ${#SOURCES[@]} -gt 0 ]] || not_built "no $SRC/*.cu"
INPUTS=("${SOURCES[@]}" "$SRC"/*.cuh "$HERE"/*.h "$HERE"/*.cpp "$HERE/build.sh" "$ROOT/native/cuda/mock/cuda_mock.c")
if [[ -f "$LIB" ]]; then
    stale=0
    for f in "${INPUTS[@]}"; do [[ "$f" -nt "$LIB" ]] && stale=1 && break; done
    if [[ $stale == 0 ]]; then rm -f "$OUT/NOT-BUILT"; log "up to date: $LIB"; exit 0; fi
fi

WORK="$OUT/obj"
rm -rf "$WORK"
mkdir -p "$WORK"
CXXFLAGS=(-std=c++17 -O2 -g -fPIC -fno-strict-aliasing -DPANAMAX_EMU -Wall -Wno-unknown-pragmas -Wno-unused-function
          -Wno-unused-variable -Wno-unused-but-set-variable -include "$HERE/cuda_emu.h" -I "$HERE" -I "$SRC")

compile_kernels() {  # $1: the .cu source
    local cu="$1" name base tu names
    name=$(basename "$cu" .cu)
    tu="$WORK/$name.cpp"
    # Dynamic shared memory is the emulator's per-block arena: rewrite each
    #   extern __shared__ __align__(N) T name[];   as   T* name = (T*) px_emu_dynamic_shared();
    {
        printf '#line 1 "%s"\n' "$cu"
        sed -E 's/extern __shared__ (__align__\([0-9]+\) )?([A-Za-z_][A-Za-z0-9_ ]*[A-Za-z0-9_]) +([A-Za-z_][A-Za-z0-9_]*)\[\];/\2* \3 = reinterpret_cast<\2*>(px_emu_dynamic_shared());/' "$cu"
    } > "$tu"
    if grep -n 'extern __shared__' "$tu" >&2; then
        echo "emu/build.sh: $cu: an extern __shared__ declaration the rewrite does not understand" >&2
        return 1
    fi
    names=$("$CXX" "${CXXFLAGS[@]}" -E "$tu" | grep -oE 'extern "C" +void +[A-Za-z_][A-Za-z0-9_]* *\(' |
            sed -E 's/extern "C" +void +([A-Za-z0-9_]+).*/\1/' | sort -u)
    [[ -n "$names" ]] || { echo "emu/build.sh: $cu: no extern \"C\" kernels found" >&2; return 1; }
    { echo; for k in $names; do echo "PX_EMU_KERNEL($k)"; done; } >> "$tu"
    "$CXX" "${CXXFLAGS[@]}" -c "$tu" -o "$WORK/$name.o"
    echo "$name: $(echo $names | wc -w) kernels"
}

log "compiling ${#SOURCES[@]} kernel sources for the host with $CXX"
pids=()
for cu in "${SOURCES[@]}"; do
    compile_kernels "$cu" > "$WORK/$(basename "$cu" .cu).log" 2>&1 &
    pids+=($!)
done
"$CXX" -std=c++17 -O2 -g -fPIC -Wall -c "$HERE/emu_runtime.cpp" -o "$WORK/emu_runtime.o" &
pids+=($!)
"$CC" -O1 -g -fPIC -Wall -Werror -DPANAMAX_EMU -c "$ROOT/native/cuda/mock/cuda_mock.c" -o "$WORK/cuda_mock.o" &
pids+=($!)
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
for l in "$WORK"/*.log; do cat "$l"; done
[[ $failed == 0 ]] || not_built "compiling the emulator failed (see the messages above)"
"$CXX" -shared -o "$LIB" "$WORK"/*.o -lpthread || not_built "linking the emulator failed"
rm -f "$OUT/NOT-BUILT"
log "built $LIB"
