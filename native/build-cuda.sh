#!/usr/bin/env bash
# Builds the CUDA kernels: each kernels/cuda/*.cu becomes one fatbin holding cubins for sm_80,
# sm_86, sm_89, sm_90 and sm_90a plus compute_90 PTX (which the driver JIT-compiles for newer
# GPUs), and an index (kernels.index) naming every fatbin and the kernels in it. The CUDA backend
# loads one module per fatbin, lazily, from the jar.
#
# It keeps ptxas's resource report per source (<report>/<name>.ptxas.txt), a one-line-per-kernel
# summary (<report>/ptxas-summary.txt), and FAILS when any function spills registers.
# Incremental: a fatbin newer than its .cu, every .cuh and this script is not rebuilt.
#
# usage: native/build-cuda.sh --out DIR [--report DIR] [--mode auto|required|skip] [--threads N] [--src DIR]
#   --mode auto      (default) without nvcc: a warning, and an index that says the kernels were not built
#   --mode required  without nvcc, or on any failure: exit 1
#   --mode skip      build nothing (the jar carries no CUDA kernels)
#   --src DIR        the .cu sources (default kernels/cuda)
# nvcc is looked for in $NVCC, $CUDA_HOME/bin, $CUDA_PATH/bin, PATH, /usr/local/cuda/bin.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/kernels/cuda"
SELF="$ROOT/native/build-cuda.sh"
OUT=""
REPORT=""
MODE="auto"
THREADS="${PANAMAX_NVCC_THREADS:-2}"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --src) SRC="$2"; shift 2 ;;
        --report) REPORT="$2"; shift 2 ;;
        --mode) MODE="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$SELF"; exit 0 ;;
        *) echo "build-cuda.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ -n "$OUT" ]] || { echo "build-cuda.sh: --out DIR is required" >&2; exit 2; }
REPORT="${REPORT:-$OUT}"
case "$MODE" in auto|required|skip) ;; *) echo "build-cuda.sh: --mode must be auto, required or skip, got '$MODE'" >&2; exit 2 ;; esac

# Cubins for every architecture we tune for, and PTX for the newest, which later GPUs JIT-compile.
GENCODE=(
    -gencode arch=compute_80,code=sm_80
    -gencode arch=compute_86,code=sm_86
    -gencode arch=compute_89,code=sm_89
    -gencode arch=compute_90,code=sm_90
    -gencode arch=compute_90a,code=sm_90a
    -gencode arch=compute_90,code=compute_90
)
TARGETS="sm_80 sm_86 sm_89 sm_90 sm_90a compute_90"
NVCC_FLAGS=(-fatbin -O3 -std=c++17 -lineinfo -Xptxas -v --threads "$THREADS")

INDEX="$OUT/kernels.index"
log() { echo "[panamax cuda] $*"; }

mkdir -p "$OUT" "$REPORT"
shopt -s nullglob
SOURCES=("$SRC"/*.cu)
HEADERS=("$SRC"/*.cuh "$SRC"/*.h)

write_unbuilt_index() {  # $1: why
    rm -f "$OUT"/*.fatbin
    printf '# Panamax CUDA kernels\n# not built: %s\n' "$1" > "$INDEX"
}

if [[ "$MODE" == skip ]]; then
    write_unbuilt_index "the build skipped them (-Dpanamax.cuda=skip)"
    log "skipped: this build carries no CUDA kernels"
    exit 0
fi
if [[ ${#SOURCES[@]} -eq 0 ]]; then
    write_unbuilt_index "no kernels/cuda/*.cu sources"
    log "no kernels/cuda/*.cu sources"
    exit 0
fi

find_nvcc() {
    local c
    for c in "${NVCC:-}" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" "${CUDA_PATH:+$CUDA_PATH/bin/nvcc}" \
             "$(command -v nvcc 2>/dev/null || true)" /usr/local/cuda/bin/nvcc; do
        if [[ -n "$c" && -x "$c" ]]; then echo "$c"; return 0; fi
    done
    return 1
}

# True when $1 (a fatbin) is missing or older than its source, a shared header, or this script.
stale() {
    local fatbin="$1" src="$2" report="$3" h
    [[ -f "$fatbin" && -f "$report" ]] || return 0
    [[ "$src" -nt "$fatbin" || "$SELF" -nt "$fatbin" ]] && return 0
    for h in "${HEADERS[@]}"; do [[ "$h" -nt "$fatbin" ]] && return 0; done
    return 1
}

TODO=()
for src in "${SOURCES[@]}"; do
    name=$(basename "$src" .cu)
    if stale "$OUT/$name.fatbin" "$src" "$REPORT/$name.ptxas.txt"; then TODO+=("$src"); fi
done

NVCC_BIN=""
if ! NVCC_BIN=$(find_nvcc); then
    NVCC_BIN=""
    if [[ ${#TODO[@]} -gt 0 ]]; then
        if [[ "$MODE" == required ]]; then
            echo "[panamax cuda] ERROR: nvcc not found (looked in \$NVCC, \$CUDA_HOME/bin, \$CUDA_PATH/bin, PATH, /usr/local/cuda/bin) and -Dpanamax.cuda=required" >&2
            exit 1
        fi
        write_unbuilt_index "nvcc was not found when this jar was built"
        log "WARNING: nvcc not found; the jar carries no CUDA kernels and the cuda device will say so."
        log "         Install the CUDA toolkit (or set CUDA_HOME) to build them; -Dpanamax.cuda=required makes this an error."
        exit 0
    fi
fi
NVCC_VERSION="unknown"
if [[ -n "$NVCC_BIN" ]]; then
    NVCC_VERSION=$("$NVCC_BIN" --version | sed -n 's/.*release [0-9.]*, V\([0-9.]*\).*/\1/p' | head -n 1)
    # Compress every image, cubins too (nvcc 12.4+; by default only PTX is): a fifth of the size
    # in the jar, decompressed by the driver at module load. Any CUDA 13 build needs a 580+ driver.
    if "$NVCC_BIN" --help | grep -q -- '--compress-mode'; then
        NVCC_FLAGS+=(--compress-mode=size)
    fi
fi

# Reads a ptxas -v report on stdin; prints one line per spilling function and exits 1 if any.
check_spills() {
    awk '
        /Compiling entry function/ { n = split($0, q, "\x27"); fn = q[2]; arch = q[4] }
        /Function properties for/ { fn = $NF }
        /bytes spill stores/ {
            stores = loads = 0
            if (match($0, /[0-9]+ bytes spill stores/)) stores = substr($0, RSTART, RLENGTH) + 0
            if (match($0, /[0-9]+ bytes spill loads/)) loads = substr($0, RSTART, RLENGTH) + 0
            if (stores != 0 || loads != 0) {
                printf "  %s (%s): %d bytes spill stores, %d bytes spill loads\n", fn, arch, stores, loads
                bad = 1
            }
        }
        END { exit bad }'
}

# Reads a ptxas -v report on stdin; prints "file arch kernel registers stack spills smem" lines.
summarize() {
    awk -v file="$1" '
        /Compiling entry function/ { n = split($0, q, "\x27"); fn = q[2]; arch = q[4]; stack = 0; spill = 0 }
        /bytes stack frame/ {
            if (match($0, /[0-9]+ bytes stack frame/)) stack = substr($0, RSTART, RLENGTH) + 0
            s = l = 0
            if (match($0, /[0-9]+ bytes spill stores/)) s = substr($0, RSTART, RLENGTH) + 0
            if (match($0, /[0-9]+ bytes spill loads/)) l = substr($0, RSTART, RLENGTH) + 0
            spill = s + l
        }
        /Used [0-9]+ registers/ && fn != "" {
            regs = 0; smem = 0
            if (match($0, /Used [0-9]+ registers/)) regs = substr($0, RSTART + 5, RLENGTH - 15) + 0
            if (match($0, /[0-9]+ bytes smem/)) smem = substr($0, RSTART, RLENGTH) + 0
            printf "%-14s %-7s %-40s %4d %6d %6d %7d\n", file, arch, fn, regs, stack, spill, smem
            fn = ""
        }'
}

START=$(date +%s)
for src in "${TODO[@]}"; do
    name=$(basename "$src" .cu)
    tmp="$OUT/.$name.fatbin.tmp"
    report="$REPORT/$name.ptxas.txt"
    t0=$(date +%s)
    if ! "$NVCC_BIN" "${NVCC_FLAGS[@]}" "${GENCODE[@]}" -o "$tmp" "$src" > "$report.tmp" 2>&1; then
        cat "$report.tmp" >&2
        rm -f "$tmp" "$OUT/$name.fatbin"
        mv "$report.tmp" "$report"
        echo "[panamax cuda] ERROR: nvcc failed on $src (output above, kept in $report)" >&2
        exit 1
    fi
    mv "$report.tmp" "$report"
    if ! spills=$(check_spills < "$report"); then
        rm -f "$tmp" "$OUT/$name.fatbin"
        echo "[panamax cuda] ERROR: register spills in $src (report: $report):" >&2
        echo "$spills" >&2
        exit 1
    fi
    mv "$tmp" "$OUT/$name.fatbin"
    log "built $name.fatbin ($(wc -c < "$OUT/$name.fatbin") bytes) in $(( $(date +%s) - t0 )) s"
done

# Fatbins whose source is gone would be loaded from the jar: remove them.
for fatbin in "$OUT"/*.fatbin; do
    [[ -f "$SRC/$(basename "$fatbin" .fatbin).cu" ]] || rm -f "$fatbin"
done

{
    echo "# Panamax CUDA kernels: one fatbin per kernels/cuda/*.cu, then the kernels it holds"
    echo "# nvcc $NVCC_VERSION; targets $TARGETS"
    for src in "${SOURCES[@]}"; do
        name=$(basename "$src" .cu)
        kernels=$(sed -n "s/.*Compiling entry function '\([^']*\)' for.*/\1/p" "$REPORT/$name.ptxas.txt" | sort -u | tr '\n' ' ')
        echo "$name.fatbin ${kernels% }"
    done
} > "$INDEX.tmp"
# The backend finds a kernel by its extern "C" name across all fatbins: names must be unique.
dups=$(awk '!/^#/ { for (i = 2; i <= NF; i++) if ($i in seen) print "  " $i " in " seen[$i] " and " $1; else seen[$i] = $1 }' "$INDEX.tmp")
if [[ -n "$dups" ]]; then
    rm -f "$INDEX.tmp"
    echo "[panamax cuda] ERROR: kernel names defined in more than one source:" >&2
    echo "$dups" >&2
    exit 1
fi
mv "$INDEX.tmp" "$INDEX"

{
    printf "%-14s %-7s %-40s %4s %6s %6s %7s\n" file arch kernel regs stack spills smem
    for src in "${SOURCES[@]}"; do
        name=$(basename "$src" .cu)
        summarize "$name" < "$REPORT/$name.ptxas.txt"
    done
} > "$REPORT/ptxas-summary.txt"

if [[ ${#TODO[@]} -eq 0 ]]; then
    log "kernels up to date (${#SOURCES[@]} fatbins in $OUT)"
else
    log "built ${#TODO[@]} of ${#SOURCES[@]} fatbins in $(( $(date +%s) - START )) s with nvcc $NVCC_VERSION; no register spills; summary: $REPORT/ptxas-summary.txt"
fi
