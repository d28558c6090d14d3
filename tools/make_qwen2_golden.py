#!/usr/bin/env python3
"""tools/make_qwen2_golden.py: a tiny random Qwen2 model with q/k/v biases and its golden
outputs, from an independent float32 torch implementation of Hugging Face's Qwen2ForCausalLM
(eager attention) written from the semantics of transformers' modeling_qwen2.py and
configuration_qwen2.py. It never runs sea. Needs only torch (Debian's python3-torch 1.13).

    /usr/bin/python3 tools/make_qwen2_golden.py tests/fixtures/qwen2/tiny-qwen2

writes into that directory:
  config.json               Qwen2 layout: use_sliding_window false (as Qwen2.5 ships it)
  config-window.json        the same model with use_sliding_window true, sliding_window 6,
                            max_window_layers 1 (layers 1 and 2 slide)
  model.safetensors         bfloat16, Hugging Face tensor names, untied lm_head
  golden.safetensors        outputs for config.json
  golden-window.safetensors outputs for config-window.json

Golden tensors (float32 unless said): input_ids.{s} (I64), logits.{s} [T, vocab], embed.{s}
(the residual stream entering layer 0), attn.L{l}.{s} and mlp.L{l}.{s} (block outputs as added
to the residual stream), hidden.L{l}.{s} (residual stream after layer l), final_norm.{s},
greedy.{s} (I64, 16 tokens, no EOS stop, decoded one token at a time with the full recompute
of this reference), rope_inv_freq.

Semantics (transformers, float32 activations):
  x = embed_tokens[ids]
  per layer: h = rmsnorm(x) * w (x * rsqrt(mean(x^2) + eps), float32)
             q, k, v = h Wq^T + bq, h Wk^T + bk, h Wv^T + bv; o_proj has no bias
             RoPE rotate-half, inv_freq = 1 / theta^(arange(0, hd, 2) / hd), angles in float32
             KV heads grouped (head h uses KV head h // (heads / kv_heads))
             s = q.k * head_dim^-0.5, causal; on a sliding layer also j > i - sliding_window
             x += o_proj(softmax(s) v)
             x += down(silu(gate(rmsnorm(x))) * up(rmsnorm(x)))
  logits = rmsnorm(x) lm_head^T
Sliding layers: only when use_sliding_window is true, the layers i >= max_window_layers.
"""
import json
import math
import os
import struct
import sys

import torch

CFG = dict(
    vocab_size=384,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=3,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=512,
    rms_norm_eps=1e-6,
    rope_theta=1000000.0,
    tie_word_embeddings=False,
    use_sliding_window=False,
    sliding_window=131072,
    max_window_layers=21,
)
WINDOW = dict(use_sliding_window=True, sliding_window=6, max_window_layers=1)
N_GREEDY = 16


def bf16_round(t):
    return t.to(torch.bfloat16).to(torch.float32)


def make_weights(gen):
    c = CFG
    d, ff, hd = c["hidden_size"], c["intermediate_size"], c["hidden_size"] // c["num_attention_heads"]
    q_out, kv_out = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd
    w = {}

    def randn(*shape, std=0.02, mean=0.0):
        return bf16_round(torch.randn(*shape, generator=gen) * std + mean)

    # larger than Hugging Face's 0.02 initialisation so that attention is not uniform and the
    # logits spread: every semantic then moves some tensor by far more than 1e-4
    w["model.embed_tokens.weight"] = randn(c["vocab_size"], d, std=1.0)
    for l in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % l
        w[p + "input_layernorm.weight"] = randn(d, std=0.1, mean=1.0)
        w[p + "self_attn.q_proj.weight"] = randn(q_out, d, std=0.25)
        w[p + "self_attn.q_proj.bias"] = randn(q_out, std=0.5)
        w[p + "self_attn.k_proj.weight"] = randn(kv_out, d, std=0.25)
        w[p + "self_attn.k_proj.bias"] = randn(kv_out, std=1.0)
        w[p + "self_attn.v_proj.weight"] = randn(kv_out, d, std=0.25)
        w[p + "self_attn.v_proj.bias"] = randn(kv_out, std=0.5)
        w[p + "self_attn.o_proj.weight"] = randn(d, q_out, std=0.1)
        w[p + "post_attention_layernorm.weight"] = randn(d, std=0.1, mean=1.0)
        w[p + "mlp.gate_proj.weight"] = randn(ff, d, std=0.15)
        w[p + "mlp.up_proj.weight"] = randn(ff, d, std=0.15)
        w[p + "mlp.down_proj.weight"] = randn(d, ff, std=0.1)
    w["model.norm.weight"] = randn(d, std=0.1, mean=1.0)
    w["lm_head.weight"] = randn(c["vocab_size"], d, std=0.3)
    return w


def rmsnorm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(w, cfg, ids, taps=None):
    """Logits [T, vocab] of ids [T]; taps collects the per-layer tensors when given."""
    c = cfg
    d, nh, nkv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd, eps, T = d // nh, c["rms_norm_eps"], len(ids)
    inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    pos = torch.arange(T, dtype=torch.float32)
    freqs = torch.outer(pos, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    sliding = [c["use_sliding_window"] and l >= c["max_window_layers"] for l in range(c["num_hidden_layers"])]
    i = torch.arange(T).view(T, 1)
    j = torch.arange(T).view(1, T)
    causal = j <= i
    window = causal & (j > i - c["sliding_window"])
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    if taps is not None:
        taps["embed"] = x.clone()
    for l in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % l
        h = rmsnorm(x, w[p + "input_layernorm.weight"], eps)
        q = h @ w[p + "self_attn.q_proj.weight"].T + w[p + "self_attn.q_proj.bias"]
        k = h @ w[p + "self_attn.k_proj.weight"].T + w[p + "self_attn.k_proj.bias"]
        v = h @ w[p + "self_attn.v_proj.weight"].T + w[p + "self_attn.v_proj.bias"]
        q = q.view(T, nh, hd).transpose(0, 1)
        k = k.view(T, nkv, hd).transpose(0, 1)
        v = v.view(T, nkv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=0)
        v = v.repeat_interleave(nh // nkv, dim=0)
        s = (q @ k.transpose(1, 2)) * (hd ** -0.5)
        mask = window if sliding[l] else causal
        s = s.masked_fill(~mask, float("-inf"))
        a = torch.softmax(s, dim=-1) @ v
        a = a.transpose(0, 1).reshape(T, nh * hd) @ w[p + "self_attn.o_proj.weight"].T
        x = x + a
        h = rmsnorm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        m = (torch.nn.functional.silu(g) * u) @ w[p + "mlp.down_proj.weight"].T
        x = x + m
        if taps is not None:
            taps["attn.L%d" % l] = a.clone()
            taps["mlp.L%d" % l] = m.clone()
            taps["hidden.L%d" % l] = x.clone()
    f = rmsnorm(x, w["model.norm.weight"], eps)
    if taps is not None:
        taps["final_norm"] = f.clone()
        taps["rope_inv_freq"] = inv_freq.clone()
    return f @ w["lm_head.weight"].T


def greedy(w, cfg, ids, n):
    """n greedy tokens; fails when a step's top two logits are closer than 0.2 % of the row's
    largest |logit| (float32 rounding could then flip the choice)."""
    seq = list(ids)
    out = []
    for _ in range(n):
        row = forward(w, cfg, seq)[-1]
        top = torch.topk(row, 2)
        if float(top.values[0] - top.values[1]) < 0.002 * float(row.abs().max()):
            return None
        out.append(int(top.indices[0]))
        seq.append(out[-1])
    return out


def tensor_bytes(t):
    if t.dtype == torch.bfloat16:
        return b"".join(struct.pack("<h", v) for v in t.contiguous().view(torch.int16).flatten().tolist())
    if t.dtype == torch.float32:
        return struct.pack("<%df" % t.numel(), *t.contiguous().flatten().tolist())
    if t.dtype == torch.int64:
        return struct.pack("<%dq" % t.numel(), *t.contiguous().flatten().tolist())
    raise ValueError(t.dtype)


def save_safetensors(path, tensors, metadata=None):
    names = {torch.bfloat16: "BF16", torch.float32: "F32", torch.int64: "I64"}
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name]
        b = tensor_bytes(t)
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def config_json(cfg):
    c = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu"}
    c.update(cfg)
    c.update({"attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16",
              "use_cache": True})
    return json.dumps(c, indent=2) + "\n"


def golden(w, cfg, seqs):
    out = {}
    for s, ids in enumerate(seqs):
        taps = {}
        logits = forward(w, cfg, ids, taps)
        g = greedy(w, cfg, ids, N_GREEDY)
        if g is None:
            return None
        out["input_ids.%d" % s] = torch.tensor(ids, dtype=torch.int64)
        out["logits.%d" % s] = logits
        out["greedy.%d" % s] = torch.tensor(g, dtype=torch.int64)
        for k, v in taps.items():
            if k == "rope_inv_freq":
                out[k] = v
            else:
                out["%s.%d" % (k, s)] = v
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_qwen2_golden.py OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    torch.set_num_threads(1)
    for seed in range(1, 100):
        gen = torch.Generator().manual_seed(seed)
        w = make_weights(gen)
        seqs = [[1] + torch.randint(3, CFG["vocab_size"], (23,), generator=gen).tolist(),
                [1] + torch.randint(3, CFG["vocab_size"], (4,), generator=gen).tolist()]
        wcfg = dict(CFG, **WINDOW)
        g0 = golden(w, CFG, seqs)
        g1 = golden(w, wcfg, seqs) if g0 is not None else None
        if g1 is not None:
            break
        print("seed %d: a greedy step is too close to call, next seed" % seed, file=sys.stderr)
    else:
        sys.exit("no seed gave clear greedy steps")
    meta = {"source": "tools/make_qwen2_golden.py", "seed": str(seed)}
    save_safetensors(os.path.join(outdir, "model.safetensors"), {k: v.to(torch.bfloat16) for k, v in w.items()},
                     {"format": "pt"})
    save_safetensors(os.path.join(outdir, "golden.safetensors"), g0, meta)
    save_safetensors(os.path.join(outdir, "golden-window.safetensors"), g1, meta)
    with open(os.path.join(outdir, "config.json"), "w") as f:
        f.write(config_json(CFG))
    with open(os.path.join(outdir, "config-window.json"), "w") as f:
        f.write(config_json(wcfg))
    print("seed %d; logits max-abs %.2f" % (seed, float(g0["logits.0"].abs().max())), file=sys.stderr)


if __name__ == "__main__":
    main()
