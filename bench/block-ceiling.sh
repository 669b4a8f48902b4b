#!/usr/bin/env bash
# How much faster than unstructured pruning can a block-pruned network be at the SAME sparsity?
# Block pruning chooses among a subset of unstructured pruning's masks, so with the same scores and
# fine-tuning it does not keep a budget at a higher sparsity (short of noise), and this ratio bounds what any search can show against the unstructured
# baseline on this platform. Accuracy plays no part here: every network is pruned one-shot (no
# fine-tuning, no refit) and only its latency is measured, with `pruneaug infer` (unpruned layers
# placed where they measured faster, e.g. the fused conv1 + pool1), alternating the shapes in rounds.
#
#   bench/block-ceiling.sh MODEL.zip [OUT_DIR]
# Knobs (environment): SPARSITIES ("0.8 0.85 0.9 0.93 0.95"), BLOCKS ("4x1 8x1"), ROUNDS (2),
# THREADS (2), BATCH (64), PLATFORM (the default platform), REPS (60).
# Prints one line per sparsity: each shape's best median ms over the rounds and unstructured / shape.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL=${1:?usage: bench/block-ceiling.sh MODEL.zip [OUT_DIR]}
OUT=${2:-$(mktemp -d)}
SPARSITIES=${SPARSITIES:-0.8 0.85 0.9 0.93 0.95}
BLOCKS=${BLOCKS:-4x1 8x1}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
BATCH=${BATCH:-64}
REPS=${REPS:-60}
PA="$ROOT/scripts/pruneaug"
PLATFORM_ARG=()
[ -n "${PLATFORM:-}" ] && PLATFORM_ARG=(--platform "$PLATFORM")
mkdir -p "$OUT"
shapes="1x1 $BLOCKS"
for s in $SPARSITIES; do
  for b in $shapes; do
    [ -f "$OUT/p-$b-$s.zip" ] || "$PA" prune --model "$MODEL" --method magnitude --block "$b" --sparsity "$s" \
      --finetune-epochs 0 --reconstruction-images 0 --out "$OUT/p-$b-$s.zip" > "$OUT/prune-$b-$s.log"
  done
done
echo "pruned in $OUT; timing $ROUNDS rounds (batch $BATCH, $THREADS threads, $REPS passes each)" >&2
for r in $(seq 1 "$ROUNDS"); do
  for s in $SPARSITIES; do
    for b in $shapes; do
      "$PA" infer --model "$OUT/p-$b-$s.zip" "${PLATFORM_ARG[@]}" --batch "$BATCH" --threads "$THREADS" \
        --check-images 0 --reps "$REPS" --json "$OUT/i-$b-$s-$r.json" > "$OUT/infer-$b-$s-$r.log"
    done
  done
  echo "round $r done" >&2
done
python3 - "$OUT" "$ROUNDS" "$SPARSITIES" "$shapes" <<'EOF'
import json, sys
out, rounds, sparsities, shapes = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
def best(b, s):
    runs = [json.load(open(f"{out}/i-{b}-{s}-{r}.json")) for r in range(1, rounds + 1)]
    return min(j["sparse"]["medianMs"] for j in runs), min(j["dense"]["medianMs"] for j in runs)
print("sparsity  " + "  ".join(f"{b:>8}" for b in shapes) + "   dense   " + "  ".join(f"1x1/{b}" for b in shapes[1:]))
for s in sparsities:
    ms = {b: best(b, s) for b in shapes}
    dense = min(d for _, d in ms.values())
    print(f"{s:>8}  " + "  ".join(f"{ms[b][0]:8.3f}" for b in shapes) + f"  {dense:7.3f}   "
          + "  ".join(f"{ms['1x1'][0] / ms[b][0]:7.2f}x" for b in shapes[1:]))
EOF
