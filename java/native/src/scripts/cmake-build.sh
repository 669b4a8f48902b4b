#!/usr/bin/env bash
# Called by Maven (java/native/pom.xml, phase generate-resources): builds the native kernel library
# with CMake into BUILD_DIR, every shared library in BUILD_DIR/lib so JavaCPP links and copies them
# from one place, then tells the rest of the Maven build whether the optional CUDA library exists.
#   cmake-build.sh SOURCE_ROOT BUILD_DIR PROPERTIES_OUT
# PRUNEAUG_CUDA=OFF skips the CUDA library (default ON: built where nvcc exists). It is passed on
# every run so that one build's choice never lingers in the CMake cache of the next.
set -euo pipefail
SRC=$1 BUILD=$2 PROPS=$3

cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPA_BUILD_TESTS=OFF -DPA_BUILD_BENCH=OFF \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$BUILD/lib" -DPA_CUDA="${PRUNEAUG_CUDA:-ON}" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"

# The CUDA binding (PaCudaNative) links libpruneaug_cuda, so JavaCPP builds it only when CMake
# produced the library (nvcc present); without it the Java side reports cuda as "not built".
mkdir -p "$(dirname "$PROPS")"
if [ -f "$BUILD/lib/libpruneaug_cuda.so" ] && grep -q '^PA_CUDA:BOOL=ON' "$BUILD/CMakeCache.txt"; then cuda_skip=false; else cuda_skip=true; fi
printf 'pruneaug.cuda.skip=%s\npruneaug.native.lib=%s\n' "$cuda_skip" "$BUILD/lib" >"$PROPS"
