#!/usr/bin/env bash
# Makes the GPU run bundle: a self-contained folder for a Linux x86-64 GPU host that has the
# NVIDIA driver but no JDK and no network. Called by `./panamax bundle [DIR]` after a build, with
# JAVA_HOME (a JDK 22+), MAVEN_OPTS, BENCH_JAR, CLASSPATH_FILE (the command line's classpath) and
# JMH_CLASSPATH_FILE (the JMH benchmarks') set.
#
#   DIR/run.sh            the one script to run there (see its header)
#   DIR/runtime.tar.gz    a jlink runtime of this JDK (unpacked by run.sh)
#   DIR/lib/*.jar         core, bindings, core test-jar, benchmarks (the command line's classpath:
#                         no third-party jar), and the JUnit console launcher
#   DIR/jmh/*.jar         what the JMH benchmarks add to lib/ (JMH, JCuda, JOCL and what they pull
#                         in), for CudaLaunchBenchmark on the GPU host (run.sh's header says how)
#   DIR/python/           the PyTorch peer script
#   DIR/BUNDLE.txt        what went in: commit, JDK, modules, sizes
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=$1
LIMIT=$((64 << 20)) # the bundle travels to the GPU host within 64 MiB
JDK=${JAVA_HOME:?JAVA_HOME must name the JDK}
: "${BENCH_JAR:?}" "${CLASSPATH_FILE:?}" "${JMH_CLASSPATH_FILE:?}"

# The runtime's modules. java.base, jdk.incubator.vector (the CPU backend's Vector API) and
# java.logging (System.Logger output) for the library; java.management, jdk.management and jdk.jfr
# for the bench's warm-up, which watches the JIT: its compilation time, and its queue through the
# DiagnosticCommand MBean (jdeps cannot see that; and without jdk.jfr in the image, that MBean
# offers none of HotSpot's commands but JFR.configure); for the JUnit console launcher java.xml and
# java.sql (XML reports, argument converters) and jdk.zipfs (it scans the test jar through the
# "jar" file system; without it no test is found); jdk.unsupported for JMH, so that the bundle's
# JMH benchmarks can run too (not java.desktop, which commons-math3 refers to in classes JMH does
# not load). jdeps below adds whatever else the project's own jars use.
MODULES=java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,jdk.jfr,java.xml,java.sql,jdk.zipfs,jdk.unsupported

say() { echo "panamax bundle: $*" >&2; }
fail() {
    say "$*"
    exit 1
}

# Refuse to wipe a folder that is not an earlier bundle.
if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -f "$DIR/BUNDLE.txt" ]; then
    fail "$DIR exists and is not an earlier bundle (no BUNDLE.txt); name an empty or new folder"
fi
rm -rf "$DIR"
mkdir -p "$DIR/lib" "$DIR/jmh" "$DIR/python"
DIR=$(cd "$DIR" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# -- jars: ours (from the build), the command line's other jars (none today), the JMH extras -----
ours=("$BENCH_JAR")
theirs=()
IFS=: read -r -a entries <"$CLASSPATH_FILE" || true # one line, no newline
for jar in "${entries[@]}"; do
    case "$jar" in
    "$ROOT"/*) ours+=("$jar") ;;
    *) theirs+=("$jar") ;;
    esac
done
cp "${ours[@]}" ${theirs[@]+"${theirs[@]}"} "$DIR/lib/"
jmh=()
IFS=: read -r -a entries <"$JMH_CLASSPATH_FILE" || true
for jar in "${entries[@]}"; do
    case ":$(cat "$CLASSPATH_FILE"):" in
    *":$jar:"*) ;;
    *) jmh+=("$jar") ;;
    esac
done
[ ${#jmh[@]} -gt 0 ] && cp "${jmh[@]}" "$DIR/jmh/"

# -- the JUnit console launcher, through Maven (the root POM pins the dependency plugin) ---------
console_version=$(sed -n 's:.*<junit.platform.version>\(.*\)</junit.platform.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
[ -n "$console_version" ] || fail "no junit.platform.version in pom.xml"
say "fetching junit-platform-console-standalone $console_version"
(cd "$ROOT" && mvn -q -B -N dependency:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$console_version" \
    -DoutputDirectory="$DIR/lib" >"$WORK/mvn.log" 2>&1) || {
    grep -v 'sun.misc.Unsafe' "$WORK/mvn.log" >&2
    fail "could not fetch the JUnit console launcher"
}

# -- modules: the list above plus what jdeps finds in our jars -----------------------------------
release=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
theirs_cp=$(printf '%s:' ${theirs[@]+"${theirs[@]}"} ${jmh[@]+"${jmh[@]}"})
found=$("$JDK/bin/jdeps" -q --print-module-deps --no-recursive --ignore-missing-deps --multi-release "$release" \
    --class-path "${theirs_cp%:}" "${ours[@]}" 2>/dev/null | tail -n 1) || found=
for m in ${found//,/ }; do
    case ",$MODULES," in
    *",$m,"*) ;;
    *)
        say "jdeps: the project's jars also need $m; adding it"
        MODULES="$MODULES,$m"
        ;;
    esac
done

# -- the runtime: jlink, packed --------------------------------------------------------------------
say "jlink --add-modules $MODULES"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-9 --output "$WORK/runtime" 2>&1 | { grep -v '^WARNING: Using incubator modules' || true; } >&2
tar -C "$WORK" -czf "$DIR/runtime.tar.gz" runtime

# -- CUDA kernels packed in the core jar (run.sh takes them out for cuobjdump; not copied twice) --
kernels=""
for jar in "${ours[@]}"; do
    kernels+=$("$JDK/bin/jar" tf "$jar" | grep -E '\.(fatbin|cubin)$' | tr '\n' ' ' || true)
done

cp "$ROOT/benchmarks/bundle/run.sh" "$DIR/run.sh"
cp "$ROOT"/benchmarks/python/*.py "$DIR/python/"
chmod 755 "$DIR/run.sh"

# -- the record of what went in --------------------------------------------------------------------
commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes)"
fi
{
    echo "Panamax GPU run bundle"
    echo "commit:   $commit"
    echo "made:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "runtime:  $("$JDK/bin/java" -version 2>&1 | head -n 1), jlink modules $MODULES"
    echo "kernels:  ${kernels:-none (built without nvcc)}"
    echo
    echo "Run ./run.sh on the GPU host (logs in \$OUT, else ./out). Contents:"
    (cd "$DIR" && find . -type f ! -name BUNDLE.txt -printf '%10s  %p\n' | sort -k2)
} >"$DIR/BUNDLE.txt"

size=$(du -sb "$DIR" | cut -f1)
say "wrote $DIR: $((size / 1024)) KiB ($(ls "$DIR/lib" | wc -l) jars in lib/, $(ls "$DIR/jmh" | wc -l) in jmh/, runtime $(($(stat -c %s "$DIR/runtime.tar.gz") / 1024)) KiB)"
[ "$size" -le "$LIMIT" ] || fail "the bundle is $size bytes, over the 64 MiB it must fit in"
