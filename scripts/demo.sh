#!/usr/bin/env bash
# The main job end to end on the default CPU platform, from a fresh clone:
#   1. train the VGG-style model on Fashion-MNIST,
#   2. search per-layer block shapes and sparsities on the platform with a 1.0-point accuracy budget
#      (the search profiles the model's own layer GEMMs into the platform's latency table first),
#   3. measure PruneAug's network against dense, unstructured and the best uniform block shape in
#      the same run, and print the table; the pruned model is run once more with `pruneaug infer`.
# Outputs go to runs/demo (DEMO_OUT overrides); an interrupted demo resumes where it stopped.
# Every candidate is fine-tuned on half an epoch (Adam 3e-3, cosine decay): a reduced budget, said in the report.
# 3e-3 is three times the training's own peak rate: after one-shot pruning it recovered 0.2-0.9 points
# more than 1e-3 at the same budget (4x1 blocks at 0.7-0.9 sparsity; README, "Fine-tuning rate").
# Before fine-tuning, every pruned network's kept weights are refitted by least squares to the dense
# layers' outputs on 1024 training images (DEMO_RECONSTRUCTION_IMAGES; 0 = off).
# Knobs (environment): DEMO_EPOCHS (8), DEMO_FINETUNE_EPOCHS (1) and DEMO_FINETUNE_FRACTION (0.5: half an
# epoch of the training split per candidate), DEMO_LR (3e-3), DEMO_BUDGET (1.0), DEMO_THREADS (the cores), DEMO_BATCH (64), DEMO_PLATFORM (the
# default platform here).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${DEMO_OUT:-runs/demo}
EPOCHS=${DEMO_EPOCHS:-8}
FT_EPOCHS=${DEMO_FINETUNE_EPOCHS:-1}
FRACTION=${DEMO_FINETUNE_FRACTION:-0.5}
LR=${DEMO_LR:-3e-3}
BUDGET=${DEMO_BUDGET:-1.0}
RECON=${DEMO_RECONSTRUCTION_IMAGES:-1024}
THREADS=${DEMO_THREADS:-$(nproc)}
BATCH=${DEMO_BATCH:-64}
PA=scripts/pruneaug
start=$(date +%s)
stamp() { printf '\n=== %s (%s, %ds)\n' "$1" "$(date +%T)" "$(( $(date +%s) - start ))"; }

stamp "setup and build"
bash scripts/setup.sh
$PA --version
$PA platforms
PLATFORM_ARG=()
[ -n "${DEMO_PLATFORM:-}" ] && PLATFORM_ARG=(--platform "$DEMO_PLATFORM")
mkdir -p "$OUT"

stamp "train the VGG-style model ($EPOCHS epochs)"
if [ ! -f "$OUT/vgg.zip" ]; then
  $PA train --model vgg --epochs "$EPOCHS" --out "$OUT/vgg.zip" --json "$OUT/vgg-train.json"
else
  echo "reusing $OUT/vgg.zip"
fi

stamp "search on ${DEMO_PLATFORM:-the default platform} (budget $BUDGET points, batch $BATCH, $THREADS threads)"
$PA search --model "$OUT/vgg.zip" "${PLATFORM_ARG[@]}" --method magnitude --max-accuracy-loss "$BUDGET" \
  --threads "$THREADS" --batch "$BATCH" --finetune-epochs "$FT_EPOCHS" --finetune-fraction "$FRACTION" --lr "$LR" --lr-schedule cosine \
  --reconstruction-images "$RECON" --out "$OUT/search"

if [ -f "$OUT/search/pruned.zip" ]; then
  stamp "the pruned network vs dense, once more"
  $PA infer --model "$OUT/search/pruned.zip" "${PLATFORM_ARG[@]}" --batch "$BATCH" --threads "$THREADS" \
    --json "$OUT/infer.json"
fi

stamp "done"
echo "report: $OUT/search/report.md (plot $OUT/search/pareto.png), result: $OUT/search/result.json"
