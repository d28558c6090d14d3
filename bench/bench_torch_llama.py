#!/usr/bin/env python3
"""bench/bench_torch_llama.py: the PyTorch baseline for `sea bench`.

A plain eager float32 Llama in PyTorch (the same computation as Hugging Face
LlamaForCausalLM with eager attention and a KV cache), loading the same model directory
(safetensors read directly; bf16/f16 weights converted to float32 at load, as
`torch_dtype=float32` does). Times one prefill of P tokens and G single-token decode steps
on the same pseudo-random ids policy as `sea bench` (the ids do not change the cost).

    python3 bench/bench_torch_llama.py -m DIR --prompt-tokens P --gen-tokens G --threads N [--json]
"""
import argparse, json, math, struct, time

import torch


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=dtypes[info["dtype"]]).reshape(info["shape"])
        out[name] = t.to(torch.float32)
    return out


class Llama:
    def __init__(self, d):
        cfg = json.load(open(d + "/config.json"))
        self.cfg = cfg
        w = load_safetensors(d + "/model.safetensors")
        self.w = w
        self.L = cfg["num_hidden_layers"]
        self.nh = cfg["num_attention_heads"]
        self.nkv = cfg.get("num_key_value_heads", self.nh)
        self.hd = cfg.get("head_dim") or cfg["hidden_size"] // self.nh
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        theta = cfg.get("rope_theta", 10000.0)
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, self.hd, 2, dtype=torch.int64).float() / self.hd))
        self.lm_head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]

    def rms(self, x, wt):
        v = x.pow(2).mean(-1, keepdim=True)
        return wt * (x * torch.rsqrt(v + self.eps))

    def rope(self, x, pos):
        f = pos[:, None].float() * self.inv_freq[None, :]
        emb = torch.cat((f, f), dim=-1)
        cos, sin = emb.cos()[None, :, None, :], emb.sin()[None, :, None, :]
        x1, x2 = x[..., : self.hd // 2], x[..., self.hd // 2 :]
        return x * cos + torch.cat((-x2, x1), dim=-1) * sin

    def forward(self, ids, cache, pos0):
        T = ids.shape[0]
        pos = torch.arange(pos0, pos0 + T)
        x = self.w["model.embed_tokens.weight"][ids][None]
        for l in range(self.L):
            p = "model.layers.%d." % l
            h = self.rms(x, self.w[p + "input_layernorm.weight"])
            q = (h @ self.w[p + "self_attn.q_proj.weight"].T).view(1, T, self.nh, self.hd)
            k = (h @ self.w[p + "self_attn.k_proj.weight"].T).view(1, T, self.nkv, self.hd)
            v = (h @ self.w[p + "self_attn.v_proj.weight"].T).view(1, T, self.nkv, self.hd)
            q, k = self.rope(q, pos), self.rope(k, pos)
            if cache[l] is not None:
                k = torch.cat((cache[l][0], k), dim=1)
                v = torch.cat((cache[l][1], v), dim=1)
            cache[l] = (k, v)
            rep = self.nh // self.nkv
            kk = k.repeat_interleave(rep, dim=2).transpose(1, 2)
            vv = v.repeat_interleave(rep, dim=2).transpose(1, 2)
            qq = q.transpose(1, 2)
            s = (qq @ kk.transpose(-1, -2)) / math.sqrt(self.hd)
            S = kk.shape[2]
            mask = torch.full((T, S), float("-inf")).triu(S - T + 1)
            a = torch.softmax(s + mask, dim=-1, dtype=torch.float32) @ vv
            a = a.transpose(1, 2).reshape(1, T, self.nh * self.hd)
            x = x + a @ self.w[p + "self_attn.o_proj.weight"].T
            h = self.rms(x, self.w[p + "post_attention_layernorm.weight"])
            g = h @ self.w[p + "mlp.gate_proj.weight"].T
            u = h @ self.w[p + "mlp.up_proj.weight"].T
            x = x + (torch.nn.functional.silu(g) * u) @ self.w[p + "mlp.down_proj.weight"].T
        x = self.rms(x, self.w["model.norm.weight"])
        return x[0, -1] @ self.lm_head.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-m", "--model", required=True)
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--gen-tokens", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = Llama(a.model)
    V = m.cfg["vocab_size"]
    ids = torch.tensor([(i * 2654435761 + 7) % V for i in range(a.prompt_tokens + a.gen_tokens)])
    best_pp = best_tg = 0.0
    with torch.inference_mode():
        for _ in range(a.reps):
            cache = [None] * m.L
            t0 = time.perf_counter()
            m.forward(ids[: a.prompt_tokens], cache, 0)
            t1 = time.perf_counter()
            for g in range(a.gen_tokens):
                m.forward(ids[a.prompt_tokens + g : a.prompt_tokens + g + 1], cache, a.prompt_tokens + g)
            t2 = time.perf_counter()
            best_pp = max(best_pp, a.prompt_tokens / (t1 - t0))
            if a.gen_tokens:
                best_tg = max(best_tg, a.gen_tokens / (t2 - t1))
    r = {"prefill_tokens_per_s": best_pp, "decode_tokens_per_s": best_tg, "threads": a.threads,
         "torch": torch.__version__}
    print(json.dumps(r) if a.json else "torch prefill %.2f tok/s, decode %.2f tok/s" % (best_pp, best_tg))


if __name__ == "__main__":
    main()
