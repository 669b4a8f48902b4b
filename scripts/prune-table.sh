#!/usr/bin/env bash
# The pruning evidence table: for each pruner and sparsity, test accuracy after fine-tuning,
# unstructured vs block-augmented. One `pruneaug prune` run per cell (its JSON report is kept).
#
#   scripts/prune-table.sh MODEL.zip OUTDIR [extra prune options, e.g. --finetune-epochs 1 --finetune-fraction 0.25]
#
# METHODS, SPARSITIES and BLOCKS (space-separated) override the grid. Writes OUTDIR/table.md and
# OUTDIR/<method>-<sparsity>-<block>.json; a cell whose report exists is not recomputed, so an
# interrupted table resumes. Each run takes the shared CPU lock PRUNEAUG_LOCK (default
# /tmp/pruneaug-cpu.lock; empty = none, e.g. when the caller holds it for a whole method).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
MODEL=$1 OUT=$2
shift 2
METHODS=${METHODS:-magnitude gmp taylor}
SPARSITIES=${SPARSITIES:-0.8 0.9 0.95}
BLOCKS=${BLOCKS:-1x1 4x4 16x16 32x1}
PRUNEAUG=${PRUNEAUG:-$ROOT/scripts/pruneaug}
LOCK=${PRUNEAUG_LOCK-/tmp/pruneaug-cpu.lock}
locked() { if [ -n "$LOCK" ]; then flock "$LOCK" "$@"; else "$@"; fi; }
mkdir -p "$OUT"

for method in $METHODS; do
  for s in $SPARSITIES; do
    for b in $BLOCKS; do
      cell="$OUT/$method-$s-$b"
      [ -f "$cell.json" ] && continue
      echo "== $method sparsity $s block $b" >&2
      locked "$PRUNEAUG" prune --model "$MODEL" --method "$method" --block "$b" --sparsity "$s" \
        --out "$cell.zip" --json "$cell.json" "$@" > "$cell.log" 2>&1 || { tail -5 "$cell.log" >&2; exit 1; }
      rm -f "$cell.zip"
    done
  done
done

# the table: test accuracy after fine-tuning (before fine-tuning in parentheses)
field() { # field FILE SECTION -> test accuracy of that section, as a percentage
  tr -d '\n ' < "$1" | sed -n "s/.*\"$2\":{\"validation\":{[^}]*},\"test\":{\"accuracy\":\([0-9.eE-]*\).*/\1/p" \
    | awk '{ if ($1 == "") print "n/a"; else printf "%.2f", 100 * $1 }'
}
{
  first=$(ls "$OUT"/*.json | head -1)
  echo "Model \`$MODEL\`, dense test accuracy $(field "$first" dense)%. Prune options: \`$*\`."
  echo
  printf '| method | sparsity |'; for b in $BLOCKS; do printf ' %s |' "$b"; done; echo
  printf '|---|---|'; for b in $BLOCKS; do printf -- '---|'; done; echo
  for method in $METHODS; do
    for s in $SPARSITIES; do
      printf '| %s | %s |' "$method" "$s"
      for b in $BLOCKS; do
        f="$OUT/$method-$s-$b.json"
        printf ' %s (%s) |' "$(field "$f" afterFineTune)" "$(field "$f" beforeFineTune)"
      done
      echo
    done
  done
  echo
  echo "Test accuracy (%) after fine-tuning; in parentheses, pruned but not fine-tuned."
} > "$OUT/table.md"
cat "$OUT/table.md"
