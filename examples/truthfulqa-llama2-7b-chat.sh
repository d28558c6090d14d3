#!/bin/sh
# examples/truthfulqa-llama2-7b-chat.sh: the paper's TruthfulQA protocol on Llama-2-7B-chat
# (Qiu et al. 2024, Table 1, "SEA (N=2000, K=99.8%, L=21)": MC1 39.41, MC2 57.15; unedited
# 36.96 / 54.68), with your own copies of the weights and the data.
#
#   examples/truthfulqa-llama2-7b-chat.sh MODEL_DIR qa_data.json TruthfulQA.csv [WORK_DIR]
#
#   MODEL_DIR       meta-llama/Llama-2-7b-chat-hf as downloaded from Hugging Face
#   qa_data.json    HaluEval QA (https://github.com/RUCAIBox/HaluEval, data/qa_data.json)
#   TruthfulQA.csv  https://github.com/sylinrl/TruthfulQA
#
# Steps (each can be re-run on its own; outputs land in WORK_DIR, default ./sea-tqa):
#   1. 2000 HaluEval demonstrations, chosen exactly as the paper's code does (seed 44)
#   2. trace them with the Llama-2 chat template and system prompt, 256-token neutral completions
#      (on a cluster: run `sea trace --shard i/N` as N jobs, then `sea merge`; see below)
#   3. fit K = 0.998
#   4. evaluate TruthfulQA MC1/MC2/MC3 unedited and edited (last 21 layers, seq-norm merge)
#
# Time on a 2-core CPU with 24 GiB: tracing is the long step (2000 x (2 forward passes + 256
# generated tokens)); with 8 shards on 8 machines it is an afternoon.
set -eu

MODEL=${1:?usage: $0 MODEL_DIR qa_data.json TruthfulQA.csv [WORK_DIR]}
HALUEVAL=${2:?usage: $0 MODEL_DIR qa_data.json TruthfulQA.csv [WORK_DIR]}
TQA=${3:?usage: $0 MODEL_DIR qa_data.json TruthfulQA.csv [WORK_DIR]}
WORK=${4:-sea-tqa}
HERE=$(cd "$(dirname "$0")" && pwd)
SEA=${SEA:-$HERE/../sea}
mkdir -p "$WORK"

# The paper traces with the Llama-2 chat template and its standard system prompt.
CHAT="--template llama2-chat --system llama2-default"

echo "== 1. demonstrations"
[ -f "$WORK/demos.jsonl" ] || "$SEA" demos halueval --data "$HALUEVAL" --n 2000 --seed 44 --out "$WORK/demos.jsonl"

echo "== 2. trace (MLP outputs, as the paper states; --site residual reproduces the released code)"
if [ ! -f "$WORK/acts.safetensors" ]; then
    SHARDS=${SHARDS:-1}
    if [ "$SHARDS" -gt 1 ]; then
        # The same command runs as a Slurm array (sbatch --array=0-$((SHARDS-1))) or with GNU
        # parallel on several machines: each shard is independent.
        i=0
        while [ "$i" -lt "$SHARDS" ]; do
            "$SEA" trace -m "$MODEL" --demos "$WORK/demos.jsonl" $CHAT --max-new-tokens 256 \
                --shard "$i/$SHARDS" --out "$WORK/acts.shard$i.safetensors"
            i=$((i + 1))
        done
        "$SEA" merge --out "$WORK/acts.safetensors" "$WORK"/acts.shard*.safetensors
    else
        "$SEA" trace -m "$MODEL" --demos "$WORK/demos.jsonl" $CHAT --max-new-tokens 256 \
            --out "$WORK/acts.safetensors"
    fi
fi

echo "== 3. fit"
"$SEA" fit --acts "$WORK/acts.safetensors" --out "$WORK/proj.safetensors" --k-ratio 0.998 \
    --stats "$WORK/fit-stats.json" --plot "$WORK/plots"

echo "== 4. TruthfulQA, unedited and edited"
"$SEA" eval truthfulqa -m "$MODEL" --data "$TQA" $CHAT --json > "$WORK/tqa-unedited.json"
"$SEA" eval truthfulqa -m "$MODEL" --data "$TQA" $CHAT --edit "$WORK/proj.safetensors" \
    --layers last:21 --merge seq-norm --json > "$WORK/tqa-sea.json"
for f in "$WORK/tqa-unedited.json" "$WORK/tqa-sea.json"; do
    echo "$f: $(cut -c1-120 "$f")"
done
echo "paper: unedited MC1 36.96 MC2 54.68; SEA MC1 39.41 MC2 57.15 (bf16 weights on a GPU; see doc/GUIDE.md)"
