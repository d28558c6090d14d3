#!/usr/bin/env python3
"""fuzz/tokenizers/trim.py IN.json N > OUT.json: a smaller, self-consistent copy of a BPE
tokenizer.json: the first N vocabulary ids (and every byte-fallback piece <0xNN>), the merges
whose two parts and result are kept, the added tokens, and the rest of the file unchanged.
Used to make fuzz seeds from the bundled kjv-demo tokenizer (whole, it is larger than the
fuzzers' 64 KiB inputs). Not part of the build."""
import json
import re
import sys


def main():
    tok = json.load(open(sys.argv[1], encoding="utf-8"))
    n = int(sys.argv[2])
    m = tok["model"]
    keep = {p: i for p, i in m["vocab"].items() if i < n or re.fullmatch(r"<0x[0-9A-F]{2}>", p)}
    merges = []
    for mg in m["merges"]:
        a, b = mg.split(" ") if isinstance(mg, str) else mg
        if a in keep and b in keep and a + b in keep:
            merges.append(mg)
    m["vocab"] = keep
    m["merges"] = merges
    json.dump(tok, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
