#!/usr/bin/env bash
# Benchmarks block-sparse kernels against the dense OpenBLAS sgemm baseline on one GEMM shape.
#
#   scripts/bench-kernels.sh --shape MxKxN --density D[,D..] --blocks RxC[,RxC..]|all --threads T
#                            [--isa auto|all|avx512|avx2|generic|ref|neon] [--reps N] [--min-time S] [--json FILE]
#
# Builds what is missing (Release, build/bench), runs the dense baseline and then every requested
# kernel in one process, prints a table (median over --reps repetitions) and with --json writes a
# list of objects: kernel, isa, block ("8x8" or "dense"), m, k, n, density, threads, median_ms,
# gflops (useful, nonzero-only rate), gflops_dense_equiv, speedup_vs_dense, ...
# Bad arguments: a one-line error and exit code 2.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "bench-kernels: $*" >&2; exit 2; }

shape="" density="" blocks="" threads="" isa=auto reps=5 min_time=0.1 json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --shape|--density|--blocks|--threads|--isa|--reps|--min-time|--json)
      [ $# -ge 2 ] || die "$1 needs a value"
      value=$2
      case "$1" in
        --shape) shape=$value ;; --density) density=$value ;; --blocks) blocks=$value ;;
        --threads) threads=$value ;; --isa) isa=$value ;; --reps) reps=$value ;;
        --min-time) min_time=$value ;; --json) json=$value ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ -n "$shape" ] || die "--shape MxKxN is required"
[ -n "$density" ] || die "--density is required"
[ -n "$blocks" ] || die "--blocks is required (e.g. 1x1,8x8 or all)"
[ -n "$threads" ] || die "--threads is required"
[[ $shape =~ ^[1-9][0-9]*x[1-9][0-9]*x[1-9][0-9]*$ ]] || die "--shape wants MxKxN with positive integers, got '$shape'"
[[ $density =~ ^(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+)(,(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+))*$ ]] \
  || die "--density wants numbers in [0, 1], comma-separated, got '$density'"
[[ $blocks == all || $blocks =~ ^(1|2|4|8|16|32)x(1|2|4|8|16|32)(,(1|2|4|8|16|32)x(1|2|4|8|16|32))*$ ]] \
  || die "--blocks wants RxC[,RxC..] with R, C in 1 2 4 8 16 32, or all; got '$blocks'"
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "--threads wants a positive integer, got '$threads'"
# the binary checks the ISA against its registry and this CPU's features
[[ $isa =~ ^[a-z][a-z0-9_]*$ ]] || die "--isa wants auto, all or an ISA name (avx512, avx2, generic, ref, neon); got '$isa'"
[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps wants a positive integer, got '$reps'"
if [ -n "$json" ]; then
  [ -d "$(dirname "$json")" ] || die "--json: directory $(dirname "$json") does not exist"
fi

# PA_BENCH_BUILD_DIR reuses another build tree configured with PA_BUILD_BENCH=ON (scripts/test.sh)
BUILD=${PA_BENCH_BUILD_DIR:-$ROOT/build/bench}
[[ $BUILD == /* ]] || BUILD="$ROOT/$BUILD"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPA_BUILD_TESTS=OFF -DPA_BUILD_BENCH=ON -DPA_CUDA=OFF >/dev/null
fi
cmake --build "$BUILD" --target bench_bsrmm -j"$(nproc)" >/dev/null

args=(--shape "$shape" --density "$density" --blocks "$blocks" --threads "$threads" --isa "$isa"
      --reps "$reps" --min-time "$min_time" --table)
[ -n "$json" ] && args+=(--json "$json")
exec "$BUILD/bench/bench_bsrmm" "${args[@]}"
