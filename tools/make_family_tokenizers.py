#!/usr/bin/env python3
"""tools/make_family_tokenizers.py: small tokenizer.json files in the formats of Gemma and
Qwen2, with the ids an independent Python implementation of their algorithms gives, for the
tests (sea has no official Gemma or Qwen2 tokenizer file in the repository; doc/TOKENIZER.md).

    python3 tools/make_family_tokenizers.py tests/fixtures/tokenizer

writes gemma/tokenizer.json, gemma/tokenizer_config.json, gemma.jsonl, qwen2/tokenizer.json,
qwen2/tokenizer_config.json, qwen2.jsonl. Each .jsonl line: text, ids (no special tokens),
ids_special (with the post-processor: Gemma adds <bos>, Qwen2 nothing), decoded (of ids).

Gemma (google/gemma-*'s tokenizer.json layout): a BPE model with byte_fallback, no prefix
space (the normalizer only replaces " " by U+2581, no Prepend), no pre-tokenizer, specials
<pad> 0, <eos> 1, <bos> 2, <unk> 3, <start_of_turn>, <end_of_turn> added tokens; the decoder
replaces U+2581 by " ", then byte fallback, then fuses.

Qwen2 (Qwen/Qwen2.5-*'s layout): NFC normalizer, Split with Qwen2's regex (Isolated) then
ByteLevel without its own regex, byte-level BPE over the GPT-2 byte alphabet, specials
<|endoftext|>, <|im_start|>, <|im_end|>; no BOS.

The reference encoders here handle ASCII text and, for Gemma, any UTF-8 (byte fallback); the
texts are chosen accordingly. BPE: repeatedly merge the adjacent pair of lowest merge rank.
"""
import json
import os
import re
import sys

SPACE = "\u2581"


# ---------------------------------------------------------------- Gemma
def gemma_vocab():
    specials = ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"]
    vocab = {t: i for i, t in enumerate(specials)}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    chars = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\n:-") + [SPACE]
    for ch in chars:
        vocab[ch] = len(vocab)
    merges = []
    words = ["the", "he", "th", "in", "an", "and", "is", "it", "user", "model", "hello", "world", "wor", "ld",
             "ll", "llo", "el", "us", "er", "mo", "de", "del", "od", "ode"]
    # merges: spaces joined with following letters, then common pairs, built so every merged
    # token's parts exist earlier
    pairs = [(SPACE, "t"), ("h", "e"), ("t", "h"), ("i", "n"), ("a", "n"), ("an", "d"), ("i", "s"), ("i", "t"),
             (SPACE + "t", "he"), ("th", "e"), (SPACE, "a"), ("n", "d"), (SPACE + "a", "nd"), ("u", "s"), ("us", "e"),
             ("use", "r"), ("l", "l"), ("e", "ll"), ("h", "ell"), ("hell", "o"), (SPACE, "w"), ("o", "r"),
             (SPACE + "w", "or"), ("l", "d"), (SPACE + "wor", "ld"), ("m", "o"), ("d", "e"), ("mo", "de"),
             ("mode", "l"), (SPACE, "i"), (SPACE + "i", "s"), (SPACE, SPACE), (SPACE + SPACE, SPACE + SPACE)]
    del words
    for a, b in pairs:
        assert a in vocab and b in vocab, (a, b)
        merges.append((a, b))
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    return vocab, merges


def bpe(symbols, ranks):
    while len(symbols) > 1:
        best, at = None, -1
        for k in range(len(symbols) - 1):
            r = ranks.get((symbols[k], symbols[k + 1]))
            if r is not None and (best is None or r < best):
                best, at = r, k
        if best is None:
            break
        symbols = symbols[:at] + [symbols[at] + symbols[at + 1]] + symbols[at + 2:]
    return symbols


def gemma_encode(text, vocab, merges):
    ranks = {m: i for i, m in enumerate(merges)}
    specials = ["<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<pad>"]
    ids = []
    i = 0
    segs = []
    while i < len(text):  # split out added tokens first (they match the raw text)
        for sp in specials:
            if text.startswith(sp, i):
                segs.append((True, sp))
                i += len(sp)
                break
        else:
            if segs and not segs[-1][0]:
                segs[-1] = (False, segs[-1][1] + text[i])
            else:
                segs.append((False, text[i]))
            i += 1
    for special, seg in segs:
        if special:
            ids.append(vocab[seg])
            continue
        norm = seg.replace(" ", SPACE)
        for tok in bpe(list(norm), ranks):
            if tok in vocab:
                ids.append(vocab[tok])
            else:
                for byte in tok.encode("utf-8"):
                    ids.append(vocab["<0x%02X>" % byte])
    return ids


def gemma_decode(ids, vocab):
    inv = {i: t for t, i in vocab.items()}
    out, pending = [], b""
    for i in ids:
        t = inv[i]
        m = re.fullmatch(r"<0x([0-9A-F]{2})>", t)
        if m:
            pending += bytes([int(m.group(1), 16)])
            continue
        if pending:
            out.append(pending.decode("utf-8", errors="replace"))
            pending = b""
        out.append(t.replace(SPACE, " "))
    if pending:
        out.append(pending.decode("utf-8", errors="replace"))
    return "".join(out)


def gemma_files(outdir):
    vocab, merges = gemma_vocab()
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True}
             for t in ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"]]
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": SPACE},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<bos>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<bos>": {"id": "<bos>", "ids": [2], "tokens": ["<bos>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": SPACE}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }
    cfg = {"add_bos_token": True, "add_eos_token": False, "bos_token": "<bos>", "eos_token": "<eos>",
           "pad_token": "<pad>", "unk_token": "<unk>", "tokenizer_class": "GemmaTokenizer"}
    texts = ["hello world", "the user and the model", " leading space", "two  spaces  here",
             "Is it? Yes!\nnew line", "caf\u00e9 \u00fcber na\u00efve", "\u4f60\u597d", "emoji \U0001F600 ok",
             "<start_of_turn>user\nhello<end_of_turn>\n<start_of_turn>model\n", "digits 12345", "",
             "tabs\tand\ttabs", "the<eos>end"]
    write(outdir, "gemma", tok, cfg, texts, lambda t: gemma_encode(t, vocab, merges), [2],
          lambda ids: gemma_decode(ids, vocab))


# ---------------------------------------------------------------- Qwen2
def byte_alphabet():
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs, n = keep[:], 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(keep, cs)}


QWEN2_RX_ASCII = re.compile(
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\nA-Za-z0-9]?[A-Za-z]+|[0-9]| ?[^\sA-Za-z0-9]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def qwen2_vocab():
    bmap = byte_alphabet()
    vocab = {}
    for b in range(256):
        vocab[bmap[b]] = len(vocab)
    G = bmap[ord(" ")]  # "Ġ"
    C = bmap[ord("\n")]  # "Ċ"
    pairs = [(G, "t"), ("h", "e"), (G + "t", "he"), ("i", "n"), (G, "a"), ("n", "d"), (G + "a", "nd"),
             ("l", "l"), ("e", "ll"), ("h", "ell"), ("hell", "o"), (G, "w"), ("o", "r"), (G + "w", "or"),
             ("l", "d"), (G + "wor", "ld"), ("u", "s"), ("e", "r"), ("us", "er"), (G, "m"), ("o", "d"),
             ("od", "e"), (G + "m", "ode"), (G + "mode", "l"), (G, G), (C, C), ("i", "s"), (G, "is"),
             ("'", "s"), ("'", "t"), ("1", "2")]
    merges = []
    for a, b in pairs:
        assert a in vocab and b in vocab, (a, b)
        merges.append((a, b))
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    for sp in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]:
        vocab[sp] = len(vocab)
    return vocab, merges, bmap


def qwen2_encode(text, vocab, merges, bmap):
    ranks = {m: i for i, m in enumerate(merges)}
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    ids = []
    pat = re.compile("(" + "|".join(re.escape(s) for s in specials) + ")")
    for k, seg in enumerate(pat.split(text)):
        if k % 2 == 1:
            ids.append(vocab[seg])
            continue
        for piece in QWEN2_RX_ASCII.findall(seg):
            sym = [bmap[b] for b in piece.encode("utf-8")]
            for tok in bpe(sym, ranks):
                ids.append(vocab[tok])
    return ids


def qwen2_decode(ids, vocab, bmap):
    inv = {i: t for t, i in vocab.items()}
    rev = {c: b for b, c in bmap.items()}
    out = b""
    for i in ids:
        t = inv[i]
        if t.startswith("<|"):
            out += t.encode()
        else:
            out += bytes(rev[c] for c in t)
    return out.decode("utf-8", errors="replace")


def qwen2_files(outdir):
    vocab, merges, bmap = qwen2_vocab()
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]]
    rx = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": rx}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }
    cfg = {"add_prefix_space": False, "bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
           "tokenizer_class": "Qwen2Tokenizer", "errors": "replace"}
    texts = ["hello world", "the model and the user", "12345 digits one by one", "it's what they'll do",
             "IT'S LOUD", "  two leading spaces", "lines\n\n\nand more\n", "tabs\tand  spaces   ",
             "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n", "a+b=c; x->y", "", "ends with space "]
    write(outdir, "qwen2", tok, cfg, texts, lambda t: qwen2_encode(t, vocab, merges, bmap), [],
          lambda ids: qwen2_decode(ids, vocab, bmap))


def write(outdir, name, tok, cfg, texts, enc, prefix, dec):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=1)
        f.write("\n")
    with open(os.path.join(outdir, name + ".jsonl"), "w", encoding="utf-8") as f:
        for t in texts:
            ids = enc(t)
            f.write(json.dumps({"text": t, "ids": ids, "ids_special": prefix + ids, "decoded": dec(ids)},
                               ensure_ascii=False) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_family_tokenizers.py OUTDIR")
    gemma_files(sys.argv[1])
    qwen2_files(sys.argv[1])


if __name__ == "__main__":
    main()
