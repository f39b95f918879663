#!/usr/bin/env sh
# Regenerates the OpenCL bindings with jextract (https://jdk.java.net/jextract/, 22 or newer).
# Usage: native/opencl/regenerate.sh [path to the OpenCL include directory, default /usr/include]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
include=${1:-/usr/include}
jextract -I "$include" --output "$root/bindings/src/main/java" @"$here/jextract.args" \
    "$include/CL/cl.h" "$include/CL/cl_ext.h"
echo "regenerated $root/bindings/src/main/java/dev/panamax/bindings/opencl; re-apply the loading block (README.md)"
