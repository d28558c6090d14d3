#!/bin/sh
# tests/cli_demos.sh: `sea demos` against the selection Python's own random module makes.
#
# The expected files in tests/fixtures/demos were written by tools/demos_reference.py (Python's
# Mersenne Twister, shuffle and sample, in the order the paper's data preparation uses them;
# commands in tests/fixtures/demos/README.md). The output must be identical byte for byte:
# the same items, the same negative answers, the same prompts; for BBQ also the same
# train/validation/test splits, from a joined All-disambig file and from a miniature of the
# BBQ release's category folder (whose ambiguous items must be skipped). Then errors: a
# missing file, a blank line, a malformed item: exit 1, one line on stderr, no output file.
#
# Run by `make check` from the top of the build directory, where ./sea is.

LC_ALL=C
export LC_ALL
sea=./sea
[ -x "$sea" ] || sea="${abs_top_builddir:-.}/sea"
if [ ! -x "$sea" ]; then
    echo "cli_demos: cannot find the sea program (run from the build directory)" >&2
    exit 99
fi
fx="${srcdir:-.}/tests/fixtures/demos"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sea-cli-demos.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

same() { # what, got, expected
    if ! cmp -s "$2" "$3"; then
        fail "$1: output differs from $3"
        diff "$3" "$2" | head -5 >&2
    fi
}

"$sea" demos halueval --data "$fx/halueval-qa24.json" --n 12 -q -o "$tmp/h.jsonl" || fail "halueval run"
same "halueval --n 12" "$tmp/h.jsonl" "$fx/halueval-n12.expected.jsonl"

"$sea" demos bbq --data "$fx/bbq-all-disambig.jsonl" --n 20 --train-size 40 --validation-size 10 \
    --splits "$tmp/sp" -q -o "$tmp/b.jsonl" || fail "bbq run"
same "bbq --n 20" "$tmp/b.jsonl" "$fx/bbq-n20.expected.jsonl"
for s in train validation test; do
    same "bbq split $s" "$tmp/sp-$s.jsonl" "$fx/bbq-split-$s.jsonl"
done

"$sea" demos bbq --data "$fx/bbq-release" --n 20 --train-size 40 --validation-size 10 -q >"$tmp/d.jsonl" ||
    fail "bbq release folder run"
same "bbq from the release folder" "$tmp/d.jsonl" "$fx/bbq-n20.expected.jsonl"

# a different seed must change the selection (the comparison above can fail)
"$sea" demos bbq --data "$fx/bbq-all-disambig.jsonl" --n 20 --train-size 40 --seed 45 -q >"$tmp/s45.jsonl" ||
    fail "bbq --seed 45 run"
if cmp -s "$tmp/s45.jsonl" "$fx/bbq-n20.expected.jsonl"; then fail "seed 45 gives seed 44's selection"; fi

# the first N of a larger run are the N-run (the paper's N = 1000 is a subset of N = 2000)
"$sea" demos halueval --data "$fx/halueval-qa24.json" --n 5 -q >"$tmp/h5.jsonl" || fail "halueval --n 5"
head -n 5 "$fx/halueval-n12.expected.jsonl" >"$tmp/h12head.jsonl"
same "halueval --n 5 is the head of --n 12" "$tmp/h5.jsonl" "$tmp/h12head.jsonl"

# sea fit --n-demos: the first N of a traced set; all N equals no flag, fewer is another fit
acts="${srcdir:-.}/tests/fixtures/sea/acts-mlp.safetensors"
"$sea" fit --acts "$acts" --out "$tmp/all.st" -q || fail "fit"
"$sea" fit --acts "$acts" --out "$tmp/n48.st" --n-demos 48 -q || fail "fit --n-demos 48"
"$sea" fit --acts "$acts" --out "$tmp/n20.st" --n-demos 20 -q || fail "fit --n-demos 20"
same "fit --n-demos 48 (all of them)" "$tmp/n48.st" "$tmp/all.st"
if cmp -s "$tmp/n20.st" "$tmp/all.st"; then fail "fit --n-demos 20 equals the fit on 48"; fi
"$sea" proj info "$tmp/n20.st" | grep -q "fitted on 20 demonstrations" || fail "fit --n-demos 20: not 20 demonstrations"
"$sea" fit --acts "$acts" --out "$tmp/n99.st" --n-demos 99 -q 2>/dev/null
[ $? -eq 2 ] || fail "fit --n-demos 99 of 48 is not a usage error"
[ -e "$tmp/n99.st" ] && fail "fit --n-demos 99 wrote a file"

# proj info of a fixed-k fit says so instead of printing the stored NaN ratio
"$sea" fit --acts "$acts" --out "$tmp/k3.st" --k-pos 3 --k-neg 4 -q || fail "fit --k-pos 3 --k-neg 4"
"$sea" proj info "$tmp/k3.st" >"$tmp/info.txt" || fail "proj info"
grep -q "k+ fixed, k- fixed" "$tmp/info.txt" || fail "proj info: fixed k not stated"
grep -Eqi "(^|[^a-z])nan([^a-z]|$)" "$tmp/info.txt" && fail "proj info prints nan"

bad() { # name, expected stderr text, args...
    name=$1
    want=$2
    shift 2
    "$sea" demos "$@" -q -o "$tmp/out.jsonl" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 1 ]; then fail "$name: exit $rc, expected 1"; fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then fail "$name: stderr is not one line"; cat "$tmp/err" >&2; fi
    if ! grep -q "$want" "$tmp/err"; then fail "$name: stderr lacks '$want'"; cat "$tmp/err" >&2; fi
    if [ -e "$tmp/out.jsonl" ]; then fail "$name: wrote an output file"; fi
    ls "$tmp" | grep -q '\.tmp\.' && fail "$name: left a temporary"
    rm -f "$tmp/out.jsonl"
}

bad "missing file" "cannot open" halueval --data "$tmp/nope.json"
{ head -n 3 "$fx/halueval-qa24.json"; echo; tail -n 2 "$fx/halueval-qa24.json"; } >"$tmp/blank.json"
bad "blank line" "line 4: blank line" halueval --data "$tmp/blank.json"
{ head -n 2 "$fx/halueval-qa24.json"; echo '{"question": "q", "right_answer": 3, "hallucinated_answer": "x"}'; } >"$tmp/badfield.json"
bad "non-string field" "line 3: needs string fields" halueval --data "$tmp/badfield.json" --n 3
{ head -n 2 "$fx/halueval-qa24.json"; echo '{"question": "q", "right_answer": "r", "hallucinated_answer": " ; ;"}'; } >"$tmp/noans.json"
bad "no hallucinated answer" "line 3: hallucinated_answer has no answer" halueval --data "$tmp/noans.json" --n 3
{ head -n 2 "$fx/bbq-all-disambig.jsonl"; echo '{"context": "c", "question": "q", "ans0": "a", "ans1": "b", "ans2": "c", "label": 7}'; } >"$tmp/badlabel.jsonl"
bad "bad label" "line 3: needs string fields context" bbq --data "$tmp/badlabel.jsonl" --n 3
head -c 300 "$fx/bbq-all-disambig.jsonl" >"$tmp/trunc.jsonl"
echo >>"$tmp/trunc.jsonl"
bad "truncated JSON" "trunc.jsonl: line 1: " bbq --data "$tmp/trunc.jsonl" --n 1

if [ $fails -ne 0 ]; then
    echo "cli_demos: $fails failure(s)" >&2
    exit 1
fi
echo "cli_demos: all checks passed"
