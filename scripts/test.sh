#!/usr/bin/env bash
# All tests, native and Java, from a fresh clone: installs what is missing, builds the kernel
# library, runs GoogleTest (plain and under ASan+UBSan), then the Maven build with every JUnit suite.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=$(nproc)
# nd4j's OpenMP pool at 1 thread: its barriers stall whenever another process holds the other core
# (a VGG epoch took 64 s with 1 thread, 513 s with 2 on this shared 2-core machine); every other
# library gets its thread count explicitly per call
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-$JOBS} MKL_NUM_THREADS=${MKL_NUM_THREADS:-$JOBS}

step() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

step "setup"
bash scripts/setup.sh

step "native: build + GoogleTest (Release)"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Release -DPA_BUILD_TESTS=ON -DPA_BUILD_BENCH=ON >/dev/null
cmake --build build/test -j"$JOBS"
ctest --test-dir build/test --output-on-failure -j"$JOBS"

step "native: benchmark wrapper smoke run (tiny shape; a check that it works, not a measurement)"
bench_json=$(mktemp)
PA_BENCH_BUILD_DIR=build/test scripts/bench-kernels.sh --shape 96x80x40 --density 0.2 --blocks 1x1,4x4,16x8 \
  --threads 2 --isa all --reps 1 --min-time 0.002 --json "$bench_json" >/dev/null 2>&1
grep -q '"block": "dense"' "$bench_json" && grep -q '"kernel": "f32_bsrmm_b16x8__generic"' "$bench_json"
rm -f "$bench_json"

step "native: GoogleTest under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DPA_SANITIZE=ON -DPA_BUILD_TESTS=ON -DPA_BUILD_BENCH=OFF -DPA_CUDA=OFF >/dev/null
cmake --build build/asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$JOBS"

step "java: build + JUnit (all modules)"
mvn -B -q install

step "all tests passed"
