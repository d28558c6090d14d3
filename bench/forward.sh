#!/bin/sh
# bench/forward.sh: speed of the forward pass against PyTorch and against the machine's memory
# bandwidth, all measured in this one run (these machines are noisy).
#
#   [TORCH=0] bench/forward.sh BUILD_DIR [SHAPE] [P] [G] [REPS]
#
# BUILD_DIR is a configured and built tree (it has ./sea and bench/stream). Makes (once) a
# random-weight bf16 model of SHAPE (default tinyllama-1.1b) in $BENCH_MODELS (default /tmp),
# then runs, best of REPS (default 3), with 2 threads:
#   sea bench           one prefill of P tokens (default 128), G decode steps (default 32)
#   PyTorch             bench/bench_torch_llama.py: eager float32 Llama with a KV cache,
#                       same model directory (Debian's python3-torch; /usr/bin/python3)
#   sea bench --load copy   the same with the weights copied into memory
#   STREAM              bench/stream: triad and read-only bandwidth, before and after (the
#                       higher is used: the host's bandwidth drifts)
# and prints the ratios doc/PERFORMANCE.md quotes. TORCH=0 skips the PyTorch baseline (for
# shapes whose float32 copy does not fit in memory, e.g. llama-2-7b: 27 GB).
set -eu
B=${1:?usage: bench/forward.sh BUILD_DIR [SHAPE] [P] [G] [REPS]}
SHAPE=${2:-tinyllama-1.1b}
P=${3:-128}
G=${4:-32}
REPS=${5:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
MODELS=${BENCH_MODELS:-/tmp}
M=$MODELS/sea-bench-$SHAPE-bf16
PY=${PYTHON:-/usr/bin/python3}
[ -f "$M/model.safetensors" ] || "$B/sea" make-model --shape "$SHAPE" --dtype bf16 --out "$M" >/dev/null

stream0=$("$B/bench/stream" --json --reps 5)
sea2=$("$B/sea" bench -m "$M" --prompt-tokens "$P" --gen-tokens "$G" --threads 2 --reps "$REPS" --json --load mmap)
sea2c=$("$B/sea" bench -m "$M" --prompt-tokens "$P" --gen-tokens "$G" --threads 2 --reps "$REPS" --json --load copy)
sea1=$("$B/sea" bench -m "$M" --prompt-tokens "$P" --gen-tokens "$G" --threads 1 --reps "$REPS" --json --load mmap)
torch2=null
[ "${TORCH:-1}" = 0 ] || torch2=$("$PY" "$HERE/bench_torch_llama.py" -m "$M" --prompt-tokens "$P" --gen-tokens "$G" --threads 2 --reps "$REPS" --json)
stream1=$("$B/bench/stream" --json --reps 5)

"$PY" - "$sea2" "$sea1" "$torch2" "$stream0" "$stream1" "$sea2c" <<'PYEOF'
import json, sys
s2, s1, t2, st0, st1, s2c = (json.loads(a) for a in sys.argv[1:7])
# STREAM before and after the model runs (the host's bandwidth drifts): the higher of the two
st = {"results": [max(a, b, key=lambda r: r["triad_gb_per_s"]) for a, b in zip(st0["results"], st1["results"])]}
tri = {r["threads"]: r["triad_gb_per_s"] for r in st["results"]}
rd = {r["threads"]: r["read_gb_per_s"] for r in st["results"]}
wb = s2["weight_bytes"] / 1e9
print("model weights %.2f GB (bf16), prompt %d tokens, %d decode steps" % (wb, s2["prompt_tokens"], s2["gen_tokens"]))
print("%-28s %12s %12s" % ("", "prefill tok/s", "decode tok/s"))
print("%-28s %12.2f %12.2f" % ("sea, 2 threads", s2["prefill_tokens_per_s"], s2["decode_tokens_per_s"]))
print("%-28s %12.2f %12.2f" % ("sea, 2 threads, --load copy", s2c["prefill_tokens_per_s"], s2c["decode_tokens_per_s"]))
print("%-28s %12.2f %12.2f" % ("sea, 1 thread", s1["prefill_tokens_per_s"], s1["decode_tokens_per_s"]))
if t2 is not None:
    print("%-28s %12.2f %12.2f" % ("PyTorch %s fp32, 2 threads" % t2["torch"], t2["prefill_tokens_per_s"], t2["decode_tokens_per_s"]))
    print("ratio sea / PyTorch (2 threads): prefill %.2fx, decode %.2fx" % (
        s2["prefill_tokens_per_s"] / t2["prefill_tokens_per_s"], s2["decode_tokens_per_s"] / t2["decode_tokens_per_s"]))
    print("ratio sea --load copy / PyTorch (2 threads): prefill %.2fx, decode %.2fx" % (
        s2c["prefill_tokens_per_s"] / t2["prefill_tokens_per_s"], s2c["decode_tokens_per_s"] / t2["decode_tokens_per_s"]))
for n, s, what in ((2, s2, "mmap"), (2, s2c, "copy"), (1, s1, "mmap")):
    bw = wb * s["decode_tokens_per_s"]
    print("decode, %d thread(s), %s: %.1f GB/s of weights = %.0f%% of STREAM triad (%.1f GB/s), %.0f%% of read-only (%.1f GB/s)" % (
        n, what, bw, 100 * bw / tri[n], tri[n], 100 * bw / rd[n], rd[n]))
PYEOF
