#!/usr/bin/env bash
# Builds the native test doubles of the CUDA driver, the one build path for all of them (Maven
# runs it before the tests; the tests only use what it leaves in --out):
#
#   libcuda-mock.so       the driver double (cuda_mock.c): discovery, contexts, memory, modules and
#                         launches without running any kernel (CudaMockDriverTest)
#   libcuda-mock-old.so   the same, as a driver before the stream-ordered allocator (-DOLD_DRIVER)
#   libcuda-emu.so        the CUDA emulator: the double built with -DPANAMAX_EMU, which RUNS the
#                         kernels of kernels/cuda, each compiled for the host with the system C++
#                         compiler against the device-language shim emu/cuda_emu.h, on the fiber
#                         runtime emu/emu_runtime.cpp (the CudaEmulated*Test classes)
#
# The emulator stands in for libcuda.so.1 (-Dpanamax.cuda.library=...), so the Java backend, its
# launches and the kernels' own code run end to end on a machine without a GPU. It checks the
# kernels' logic, not the GPU: see emu/README.md for what it does not model. Its fibers are
# x86-64 assembly: on another architecture (an aarch64 GPU host such as GH200) it is skipped
# with the reason in <out>/NOT-BUILT, whatever the mode, and the doubles are still built.
#
# usage: build.sh --out DIR [--src DIR] [--mode auto|required|skip]
#   --mode auto      (default) without a compiler: a warning and <out>/NOT-BUILT with the reason
#   --mode required  without one, or on any failure: exit 1 (on x86-64; see above)
#   --mode skip      build nothing (<out>/NOT-BUILT says so)
# Incremental: nothing is rebuilt when a library is newer than every input.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../../.." && pwd)
SRC="$ROOT/kernels/cuda"
OUT=""
MODE="auto"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --src) SRC="$2"; shift 2 ;;
        --mode) MODE="$2"; shift 2 ;;
        -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ -n "$OUT" ]] || { echo "build.sh: --out DIR is required" >&2; exit 2; }
case "$MODE" in auto|required|skip) ;; *) echo "build.sh: --mode must be auto, required or skip" >&2; exit 2 ;; esac

log() { echo "[panamax cuda doubles] $*"; }
mkdir -p "$OUT"
EMU="$OUT/libcuda-emu.so"
MOCK="$OUT/libcuda-mock.so"
MOCK_OLD="$OUT/libcuda-mock-old.so"
CC="${CC:-cc}"
CXX="${CXX:-}"
if [[ -z "$CXX" ]]; then
    for c in c++ g++ clang++; do if command -v "$c" >/dev/null 2>&1; then CXX="$c"; break; fi; done
fi

# Records why a library was not built ($1: the NOT-BUILT file, $2: why); fails in required mode
# unless $3 is "allowed" (the emulator on a machine that is not x86-64).
not_built() {
    echo "$2" > "$1"
    if [[ "$MODE" == required && "${3:-}" != allowed ]]; then echo "build.sh: $2" >&2; exit 1; fi
    log "not built: $2"
}

# True when $1 is missing or older than any of the remaining arguments.
stale() {
    local lib="$1" f
    shift
    [[ -f "$lib" ]] || return 0
    for f in "$@"; do [[ "$f" -nt "$lib" ]] && return 0; done
    return 1
}

# ---------------------------------------------------------------- the driver doubles

build_mocks() {
    rm -f "$OUT/MOCK-NOT-BUILT"
    if [[ "$MODE" == skip ]]; then
        rm -f "$MOCK" "$MOCK_OLD"
        not_built "$OUT/MOCK-NOT-BUILT" "the build skipped it (-Dpanamax.cuda=skip)"
        return 0
    fi
    if ! command -v "$CC" >/dev/null 2>&1; then
        rm -f "$MOCK" "$MOCK_OLD"
        not_built "$OUT/MOCK-NOT-BUILT" "no C compiler ($CC) on the PATH"
        return 0
    fi
    local flags=(-shared -fPIC -O1 -g -Wall -Werror)
    if stale "$MOCK" "$HERE/cuda_mock.c" "$HERE/build.sh"; then
        "$CC" "${flags[@]}" -o "$MOCK" "$HERE/cuda_mock.c" || { rm -f "$MOCK"; not_built "$OUT/MOCK-NOT-BUILT" "compiling cuda_mock.c failed"; return 0; }
        "$CC" "${flags[@]}" -DOLD_DRIVER -o "$MOCK_OLD" "$HERE/cuda_mock.c" || { rm -f "$MOCK_OLD"; not_built "$OUT/MOCK-NOT-BUILT" "compiling cuda_mock.c -DOLD_DRIVER failed"; return 0; }
        log "built $MOCK and $MOCK_OLD"
    else
        log "up to date: $MOCK"
    fi
}

# ---------------------------------------------------------------- the emulator

EMU_WHY="$OUT/NOT-BUILT"

emu_not_built() {  # $1: why, $2: "allowed" when required mode may go on without it
    rm -f "$EMU"
    not_built "$EMU_WHY" "$1" "${2:-}"
}

# -fsanitize=alignment: every typed load and store of the kernels checks its address, and a
# misaligned one fails the launch as on a GPU (the handler is emu_runtime.cpp's, no UBSan runtime).
CXXFLAGS=(-std=c++17 -O2 -g -fPIC -fno-strict-aliasing -DPANAMAX_EMU -Wall -Wno-unknown-pragmas -Wno-unused-function
          -Wno-unused-variable -Wno-unused-but-set-variable -fsanitize=alignment -fno-sanitize-recover=alignment -Wno-maybe-uninitialized
          -include "$HERE/emu/cuda_emu.h" -I "$HERE/emu" -I "$SRC")

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
        echo "build.sh: $cu: an extern __shared__ declaration the rewrite does not understand" >&2
        return 1
    fi
    names=$("$CXX" "${CXXFLAGS[@]}" -E "$tu" | grep -oE 'extern "C" +void +[A-Za-z_][A-Za-z0-9_]* *\(' |
            sed -E 's/extern "C" +void +([A-Za-z0-9_]+).*/\1/' | sort -u)
    [[ -n "$names" ]] || { echo "build.sh: $cu: no extern \"C\" kernels found" >&2; return 1; }
    { echo; for k in $names; do echo "PX_EMU_KERNEL($k)"; done; } >> "$tu"
    "$CXX" "${CXXFLAGS[@]}" -c "$tu" -o "$WORK/$name.o"
    echo "$name: $(echo $names | wc -w) kernels"
}

build_emulator() {
    rm -f "$EMU_WHY"
    [[ "$MODE" != skip ]] || { emu_not_built "the build skipped it (-Dpanamax.cuda=skip)"; return 0; }
    [[ "$(uname -m)" == x86_64 ]] || { emu_not_built "the emulator's fibers are written for x86-64, this is $(uname -m)" allowed; return 0; }
    [[ -n "$CXX" ]] || { emu_not_built "no C++ compiler (c++, g++ or clang++) on the PATH"; return 0; }
    command -v "$CC" >/dev/null 2>&1 || { emu_not_built "no C compiler ($CC) on the PATH"; return 0; }
    shopt -s nullglob
    SOURCES=("$SRC"/*.cu)
    [[ ${#SOURCES[@]} -gt 0 ]] || { emu_not_built "no $SRC/*.cu"; return 0; }
    if ! stale "$EMU" "${SOURCES[@]}" "$SRC"/*.cuh "$SRC"/*.h "$HERE"/emu/*.h "$HERE"/emu/*.cpp "$HERE/build.sh" "$HERE/cuda_mock.c"; then
        log "up to date: $EMU"
        return 0
    fi
    WORK="$OUT/obj"
    rm -rf "$WORK"
    mkdir -p "$WORK"
    log "compiling ${#SOURCES[@]} kernel sources for the host with $CXX"
    local pids=() p failed=0 l
    for cu in "${SOURCES[@]}"; do
        compile_kernels "$cu" > "$WORK/$(basename "$cu" .cu).log" 2>&1 &
        pids+=($!)
    done
    "$CXX" -std=c++17 -O2 -g -fPIC -Wall -c "$HERE/emu/emu_runtime.cpp" -o "$WORK/emu_runtime.o" &
    pids+=($!)
    "$CC" -O1 -g -fPIC -Wall -Werror -DPANAMAX_EMU -I "$HERE/emu" -c "$HERE/cuda_mock.c" -o "$WORK/cuda_mock.o" &
    pids+=($!)
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    for l in "$WORK"/*.log; do cat "$l"; done
    [[ $failed == 0 ]] || { emu_not_built "compiling the emulator failed (see the messages above)"; return 0; }
    "$CXX" -shared -o "$EMU" "$WORK"/*.o -lpthread || { emu_not_built "linking the emulator failed"; return 0; }
    log "built $EMU"
}

build_mocks
build_emulator
