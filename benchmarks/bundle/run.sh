#!/usr/bin/env bash
# Panamax on a GPU host: needs Linux x86-64 and the NVIDIA driver (libcuda.so.1); no JDK, no
# network, no CUDA toolkit (cuobjdump is used when present). In about 8 minutes at most:
#
#   1. unpacks the Java runtime that comes with this bundle;
#   2. lists the devices; dumps the SASS of the packed CUDA kernels when cuobjdump is there;
#   3. runs the CUDA conformance suite and the API tests with -Dpanamax.require=cuda, so that a
#      missing GPU or driver fails instead of skipping;
#   4. runs `panamax bench --device cuda:0`, with PyTorch timed on the same shapes in the same run
#      when `python3 -c "import torch"` works, and prints that one table last; then makes a small
#      Llama and a small Mixtral checkpoint (BF16, generated) and runs `panamax generate` on cuda:0
#      (with --roofline) and on the cpu, comparing the greedy tokens (PANAMAX_MODEL_TIMEOUT a run);
#   5. before that table, tries the opt-in sm_90a wgmma GEMM (-Dpanamax.cuda.gemm=wgmma) in JVMs
#      of its own, so that a fault there cannot touch steps 3 and 4: its GPU test
#      (CudaWgmmaGemmTest, skipped on anything but an H100/H200 running the sm_90a cubin), then
#      `panamax bench --op gemm` again, whose rows are printed above the main table. It gets what is
#      left of 470 seconds (at most PANAMAX_WGMMA_TIMEOUT, default 100) and is skipped below 30.
#
# Logs and results go to $OUT when set, else ./out. Exit status: 0 when the tests and every bench
# check passed (the opt-in wgmma step does not change it; its result is in the summary line).
# Time limits (seconds) can be changed through PANAMAX_TEST_TIMEOUT, PANAMAX_PEER_TIMEOUT,
# PANAMAX_BENCH_TIMEOUT and PANAMAX_WGMMA_TIMEOUT; PANAMAX_BENCH_ARGS adds arguments to every
# `panamax bench` (e.g. --quick). Step 3 leaves out the tests that read the source tree
# (CudaKernelsLayoutTest, CudaMockDriverTest, ConformanceCoverageTest: every build runs them) and the
# emulator's.
#
# Rehearsal without a GPU: on a machine with the CUDA emulator built (java/src/test/native/cuda/emu),
#   JAVA_TOOL_OPTIONS=-Dpanamax.cuda.library=java/target/cuda-doubles/libcuda-emu.so \
#   PANAMAX_BENCH_ARGS=--quick ./run.sh
# runs every step against the emulator (its timings mean nothing; the wgmma step times out).
#
# The JMH benchmarks are not run here; the command line's classpath (lib/) lacks JMH and JCuda, which
# jmh/ adds. After a first ./run.sh has unpacked the runtime, e.g. the CUDA launch overhead beside JCuda:
#   runtime/bin/java --enable-native-access=ALL-UNNAMED -cp 'lib/*:jmh/*' org.openjdk.jmh.Main CudaLaunch
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$PWD/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TEST_TIMEOUT=${PANAMAX_TEST_TIMEOUT:-200}
PEER_TIMEOUT=${PANAMAX_PEER_TIMEOUT:-90}
BENCH_TIMEOUT=${PANAMAX_BENCH_TIMEOUT:-150}
WGMMA_TIMEOUT=${PANAMAX_WGMMA_TIMEOUT:-100}
TOTAL_LIMIT=470 # the wgmma step only uses what is left of this
START=$(date +%s)

say() { echo "[run.sh $(($(date +%s) - START))s] $*"; }

# -- 1. the runtime --------------------------------------------------------------------------------
RUNTIME=${PANAMAX_RUNTIME:-$HERE/runtime}
if [ ! -x "$RUNTIME/bin/java" ]; then
    if ! mkdir -p "$RUNTIME" 2>/dev/null || [ ! -w "$RUNTIME" ]; then
        RUNTIME=$(mktemp -d)/runtime
    fi
    tar -xzf "$HERE/runtime.tar.gz" -C "$(dirname "$RUNTIME")" || {
        say "cannot unpack runtime.tar.gz"
        exit 1
    }
fi
JAVA="$RUNTIME/bin/java"
# libjsig keeps the JVM's signal handlers if a native library (LLVM inside PoCL) installs its own
[ -f "$RUNTIME/lib/libjsig.so" ] && export LD_PRELOAD="$RUNTIME/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"
FLAGS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)
CP="$HERE/lib/*"
TEST_JAR=$(ls "$HERE"/lib/panamax-[0-9]*-tests.jar 2>/dev/null | head -n 1)
say "runtime: $("$JAVA" -version 2>&1 | head -n 1); logs in $OUT"

# the command line, its incubator-module notice dropped
panamax() {
    "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.panamax.tool.Main "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
}

# -- 2. host facts, devices, SASS --------------------------------------------------------------------
{
    uname -a
    command -v nvidia-smi >/dev/null && nvidia-smi || echo "nvidia-smi: not found"
    ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libOpenCL\.so' || echo "ldconfig: no libcuda/libOpenCL listed"
} >"$OUT/host.txt" 2>&1
panamax devices >"$OUT/devices.txt" 2>&1
cat "$OUT/devices.txt"

CUOBJDUMP=$(command -v cuobjdump || { [ -x /usr/local/cuda/bin/cuobjdump ] && echo /usr/local/cuda/bin/cuobjdump; } || true)
CORE_JAR=$(ls "$HERE"/lib/panamax-[0-9]*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n 1)
if [ -z "$CUOBJDUMP" ]; then
    say "no cuobjdump on this host: SASS not dumped"
else
    # the fatbins are resources of the core jar: take them out with python3's zipfile or unzip
    KERNELS=$(mktemp -d)
    python3 -m zipfile -e "$CORE_JAR" "$KERNELS" 2>/dev/null || unzip -q "$CORE_JAR" -d "$KERNELS" 2>/dev/null ||
        say "neither python3 nor unzip here to take the fatbins out of $(basename "$CORE_JAR")"
    found=0
    while IFS= read -r f; do
        name=$(basename "$f")
        "$CUOBJDUMP" --dump-sass "$f" >"$OUT/sass-$name.txt" 2>&1
        "$CUOBJDUMP" --dump-resource-usage "$f" >"$OUT/resources-$name.txt" 2>&1
        found=$((found + 1))
    done < <(find "$KERNELS" -name '*.fatbin' -o -name '*.cubin')
    say "SASS and resource use of $found fatbin(s) in $OUT/sass-*.txt, $OUT/resources-*.txt"
    rm -rf "$KERNELS"
fi

# -- 3. tests: CUDA conformance and API, CUDA required ------------------------------------------------
say "tests: dev.panamax.cuda.*, dev.panamax.conformance.*, dev.panamax.* (API) with -Dpanamax.require=cuda (limit ${TEST_TIMEOUT}s)"
timeout "$TEST_TIMEOUT" "$JAVA" "${FLAGS[@]}" -Dpanamax.require=cuda -cp "$CP" \
    org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    --scan-class-path "$TEST_JAR" \
    --include-classname '^dev\.panamax\.(cuda\.|conformance\.)?[A-Z][^.]*Tests?$' \
    --exclude-classname '^dev\.panamax\.conformance\.(Cpu|OpenCl|Opencl)[^.]*$' \
    --exclude-classname '^dev\.panamax\.cuda\.CudaWgmmaGemmTest$' \
    --exclude-classname '^dev\.panamax\.cuda\.CudaEmulated[^.]*$' \
    --exclude-classname '^dev\.panamax\.cuda\.(CudaKernelsLayoutTest|CudaMockDriverTest)$' \
    --exclude-classname '^dev\.panamax\.conformance\.ConformanceCoverageTest$' \
    --reports-dir "$OUT/junit" >"$OUT/tests.log" 2>&1
TESTS=$?
case $TESTS in
0) TESTS_SUMMARY="passed" ;;
124) TESTS_SUMMARY="TIMED OUT after ${TEST_TIMEOUT}s" ;;
*) TESTS_SUMMARY="FAILED (exit $TESTS)" ;;
esac
# the launcher's own summary: "[ N tests successful ]" and friends
COUNTS=$(sed -n 's/^\[ *\([0-9]*\) \(tests found\|tests successful\|tests failed\|tests aborted\|tests skipped\|containers failed\) *\]$/\1 \2/p' \
    "$OUT/tests.log" | sed 's/^\([0-9]*\) tests /\1 /' | paste -sd, - | sed 's/,/, /g')
say "tests $TESTS_SUMMARY: ${COUNTS:-no summary} (log: $OUT/tests.log)"
if [ "$TESTS" -ne 0 ]; then
    grep -E '✘|=> |No tests found' "$OUT/tests.log" | head -n 20 | sed 's/^/    /'
fi

# -- 4. bench, with PyTorch as the peer --------------------------------------------------------------
BENCH_ARGS=(${PANAMAX_BENCH_ARGS:-})
panamax bench --device cuda:0 "${BENCH_ARGS[@]}" --cases-json "$OUT/cases.json" >/dev/null
PEER=()
if python3 -c "import torch" 2>/dev/null; then
    say "PyTorch: timing the same cases (limit ${PEER_TIMEOUT}s)"
    if timeout "$PEER_TIMEOUT" python3 "$HERE/python/torch_peer.py" --cases "$OUT/cases.json" \
        --out "$OUT/peer.json" --deadline $((PEER_TIMEOUT * 3 / 4)) >"$OUT/peer.log" 2>&1; then
        PEER=(--peer-json "$OUT/peer.json")
    else
        say "PyTorch peer failed (exit $?); see $OUT/peer.log:"
        tail -n 5 "$OUT/peer.log" | sed 's/^/    /'
    fi
else
    say "no PyTorch here (python3 -c 'import torch' fails): the table has no peer column"
fi
say "bench: panamax bench --device cuda:0 (limit ${BENCH_TIMEOUT}s)"
timeout "$BENCH_TIMEOUT" "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.panamax.tool.Main bench --device cuda:0 "${BENCH_ARGS[@]}" "${PEER[@]}" \
    --json "$OUT/bench.json" --deadline $((BENCH_TIMEOUT * 2 / 3)) >"$OUT/bench.txt" 2>"$OUT/bench-progress.log"
BENCH=$?
case $BENCH in
0) BENCH_SUMMARY="every check passed" ;;
1) BENCH_SUMMARY="some cases FAILED or were skipped" ;;
2) BENCH_SUMMARY="cuda:0 UNAVAILABLE" ;;
124) BENCH_SUMMARY="TIMED OUT after ${BENCH_TIMEOUT}s" ;;
*) BENCH_SUMMARY="FAILED (exit $BENCH)" ;;
esac

# -- 4b. whole models on cuda:0: generated Llama and Mixtral checkpoints, greedy tokens against the cpu -----
MODEL_TIMEOUT=${PANAMAX_MODEL_TIMEOUT:-45}
MODELS_SUMMARY="not run"
if [ $(($(date +%s) - START)) -lt $((TOTAL_LIMIT - 4 * MODEL_TIMEOUT)) ]; then
    MODEL_DIR=$(mktemp -d)
    say "models: make-model llama and mixtral, generate on cuda:0 (--roofline) and on the cpu (limit ${MODEL_TIMEOUT}s a run)"
    panamax make-model --arch llama --layers 4 --hidden 1024 --heads 16 --kv-heads 4 --intermediate 2816 --vocab 32000 \
        "$MODEL_DIR/llama" >"$OUT/models.log" 2>&1
    panamax make-model --arch mixtral --layers 2 --hidden 1024 --heads 16 --kv-heads 4 --intermediate 1792 --experts 8 \
        --top-k 2 --vocab 32000 "$MODEL_DIR/mixtral" >>"$OUT/models.log" 2>&1
    MODELS_SUMMARY=""
    for arch in llama mixtral; do
        for dev in cuda:0 cpu; do
            extra=()
            [ "$dev" = "cuda:0" ] && extra=(--roofline)
            timeout "$MODEL_TIMEOUT" "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.panamax.tool.Main generate --model "$MODEL_DIR/$arch" \
                --device "$dev" --prompt-length 128 --tokens 32 "${extra[@]}" >"$OUT/model-$arch-${dev%%:*}.txt" 2>&1
            echo "$arch on $dev: exit $?" >>"$OUT/models.log"
        done
        gpu=$(grep '^generated:' "$OUT/model-$arch-cuda.txt" 2>/dev/null)
        cpu=$(grep '^generated:' "$OUT/model-$arch-cpu.txt" 2>/dev/null)
        if [ -n "$gpu" ] && [ "$gpu" = "$cpu" ]; then
            verdict="same greedy tokens as the cpu"
        elif [ -z "$gpu" ]; then
            verdict="FAILED on cuda:0 (see $OUT/model-$arch-cuda.txt)"
        else
            verdict="tokens DIFFER from the cpu's"
        fi
        MODELS_SUMMARY="$MODELS_SUMMARY${MODELS_SUMMARY:+; }$arch: $verdict"
        say "models: $arch: $verdict"
        grep -E '^(prefill|decode|roofline)' "$OUT/model-$arch-cuda.txt" 2>/dev/null | sed 's/^/    /'
    done
    rm -rf "$MODEL_DIR"
else
    say "models: skipped (not enough of ${TOTAL_LIMIT}s left)"
fi

# -- 5. the opt-in wgmma GEMM, in its own JVMs ---------------------------------------------------------
WGMMA_SUMMARY="skipped"
budget=$((TOTAL_LIMIT - ($(date +%s) - START)))
[ "$budget" -lt "$WGMMA_TIMEOUT" ] && WGMMA_TIMEOUT=$budget
if [ "$WGMMA_TIMEOUT" -lt 30 ]; then
    WGMMA_SUMMARY="skipped: ${WGMMA_TIMEOUT}s for it (PANAMAX_WGMMA_TIMEOUT, within ${TOTAL_LIMIT}s in all), 30 needed"
    say "wgmma GEMM: $WGMMA_SUMMARY"
else
    WGMMA_TEST_TIMEOUT=$((WGMMA_TIMEOUT / 2))
    say "wgmma GEMM: CudaWgmmaGemmTest (limit ${WGMMA_TEST_TIMEOUT}s)"
    timeout "$WGMMA_TEST_TIMEOUT" "$JAVA" "${FLAGS[@]}" -Dpanamax.require=cuda -cp "$CP" \
        org.junit.platform.console.ConsoleLauncher execute \
        --disable-banner --disable-ansi-colors --details=tree \
        --select-class dev.panamax.cuda.CudaWgmmaGemmTest \
        --reports-dir "$OUT/junit-wgmma" >"$OUT/tests-wgmma.log" 2>&1
    status=$?
    counts=$(sed -n 's/^\[ *\([0-9]*\) tests \(successful\|failed\|skipped\) *\]$/\1 \2/p' "$OUT/tests-wgmma.log" |
        paste -sd, - | sed 's/,/, /g')
    case $status in
    0) WGMMA_SUMMARY="tests passed (${counts:-no summary})" ;;
    124) WGMMA_SUMMARY="tests TIMED OUT after ${WGMMA_TEST_TIMEOUT}s" ;;
    *) WGMMA_SUMMARY="tests FAILED (exit $status; ${counts:-no summary})" ;;
    esac
    say "wgmma GEMM: $WGMMA_SUMMARY (log: $OUT/tests-wgmma.log)"
    [ "$status" -ne 0 ] && grep -E '✘|=> ' "$OUT/tests-wgmma.log" | head -n 10 | sed 's/^/    /'
    WGMMA_BENCH_TIMEOUT=$((TOTAL_LIMIT - ($(date +%s) - START)))
    [ "$WGMMA_BENCH_TIMEOUT" -gt $((WGMMA_TIMEOUT - WGMMA_TEST_TIMEOUT)) ] &&
        WGMMA_BENCH_TIMEOUT=$((WGMMA_TIMEOUT - WGMMA_TEST_TIMEOUT))
    if [ "$WGMMA_BENCH_TIMEOUT" -ge 20 ]; then
        say "wgmma GEMM: panamax bench --op gemm with -Dpanamax.cuda.gemm=wgmma (limit ${WGMMA_BENCH_TIMEOUT}s)"
        timeout "$WGMMA_BENCH_TIMEOUT" "$JAVA" "${FLAGS[@]}" -Dpanamax.cuda.gemm=wgmma -cp "$CP" dev.panamax.tool.Main \
            bench --device cuda:0 --op gemm "${BENCH_ARGS[@]}" "${PEER[@]}" --json "$OUT/bench-wgmma.json" \
            --deadline $((WGMMA_BENCH_TIMEOUT * 2 / 3)) >"$OUT/bench-wgmma.txt" 2>"$OUT/bench-wgmma-progress.log"
        status=$?
        case $status in
        0) WGMMA_SUMMARY="$WGMMA_SUMMARY; bench: every check passed" ;;
        124) WGMMA_SUMMARY="$WGMMA_SUMMARY; bench TIMED OUT after ${WGMMA_BENCH_TIMEOUT}s" ;;
        *) WGMMA_SUMMARY="$WGMMA_SUMMARY; bench exit $status" ;;
        esac
    else
        WGMMA_SUMMARY="$WGMMA_SUMMARY; bench skipped (${WGMMA_BENCH_TIMEOUT}s left)"
    fi
fi

say "done in $(($(date +%s) - START))s: tests $TESTS_SUMMARY; bench: $BENCH_SUMMARY; models: $MODELS_SUMMARY; wgmma GEMM (opt-in): $WGMMA_SUMMARY"
if [ -s "$OUT/bench-wgmma.txt" ]; then
    echo
    echo "GEMM with -Dpanamax.cuda.gemm=wgmma: bf16 rows ran gemm_bf16_wgmma unless $OUT/bench-wgmma-progress.log"
    echo "says the option was ignored on this device; f32 rows ran the default kernel:"
    cat "$OUT/bench-wgmma.txt"
fi
echo
cat "$OUT/bench.txt"
[ "$TESTS" -eq 0 ] && [ "$BENCH" -eq 0 ]
