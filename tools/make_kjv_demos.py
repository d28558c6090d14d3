#!/usr/bin/env python3
"""tools/make_kjv_demos.py: build the demonstrations bundled with the kjv-demo model.

Each demonstration is a minimal pair from a King James verse (public domain): the verse up to
a word of one of the pairs below is the prompt; the positive completion is the "good" word
of the pair, the negative one the "bad" word (so the last token of each text is the word
that differs). `sea demo` fits projections that keep the directions of the
positive completions and remove those of the negative ones, and then scores held-out pairs.

    python3 tools/make_kjv_demos.py ../shared/data/kjv/kjv-verses.txt models/kjv-demo

writes sea-demos.jsonl (training) and sea-heldout.jsonl (held out), deterministically.
"""
import json
import random
import re
import sys

PAIRS = [("life", "death"), ("live", "die"), ("love", "hate"), ("peace", "war"), ("mercy", "wrath"),
         ("blessed", "cursed"), ("bless", "curse"), ("light", "darkness"), ("good", "evil"),
         ("righteous", "wicked"), ("joy", "sorrow"), ("rejoice", "mourn"), ("friend", "enemy"),
         ("friends", "enemies"), ("save", "destroy"), ("saved", "destroyed"), ("heal", "smite"),
         ("gladness", "mourning"), ("truth", "lies"), ("praise", "curse")]
N_TRAIN, N_HELDOUT, SEED = 1024, 128, 44


def main():
    src, out = sys.argv[1], sys.argv[2]
    good = {g: b for g, b in PAIRS}
    bad = {b: g for g, b in PAIRS}
    verse_re = re.compile(r"^\s+\d+ (.*)$")
    cands = {}
    for line in open(src, encoding="utf-8"):
        m = verse_re.match(line)
        if not m:
            continue
        words = m.group(1).split(" ")
        for i, w in enumerate(words):
            core = w.strip(".,;:?!")
            if core != w or i < 4 or i + 4 > len(words):
                continue  # the pair word itself must carry no punctuation
            if core in good:
                g, b = core, good[core]
            elif core in bad:
                g, b = bad[core], core
            else:
                continue
            prompt = " ".join(words[:i])
            tail = ""
            cands.setdefault((g, b), []).append({"prompt": prompt, "positive": " " + g + tail,
                                                 "negative": " " + b + tail})
            break
    rng = random.Random(SEED)
    pools = []
    for key in sorted(cands):
        lst = cands[key]
        rng.shuffle(lst)
        pools.append(lst)
    # round-robin over pairs so that every pair is represented
    chosen = []
    while len(chosen) < N_TRAIN + N_HELDOUT and any(pools):
        for lst in pools:
            if lst and len(chosen) < N_TRAIN + N_HELDOUT:
                chosen.append(lst.pop())
    rng.shuffle(chosen)
    train, held = chosen[:N_TRAIN], chosen[N_TRAIN:]
    for name, rows in (("sea-demos.jsonl", train), ("sea-heldout.jsonl", held)):
        with open(out + "/" + name, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("wrote %d training and %d held-out demonstrations" % (len(train), len(held)))


if __name__ == "__main__":
    main()
