#!/bin/sh
# tests/cli_combine.sh: `sea eval combine` joins fold results into the result over all items,
# and `sea generate --prompts` writes one completion per prompt.
# Combine:
# BBQ on tests/fixtures/sea/bbq-ambig8.jsonl (bundled model, --truncate-context) in two folds
# must give the accuracy, s_DIS, s_AMB and item count of one run over all eight; held-out pairs
# likewise for prefer_positive; results of different edits are refused. Also checks that the
# self-describing fields (data, edit, layers, merge, scale, projection) are present.
#
# Run by `make check` from the top of the build directory, where ./sea is.

LC_ALL=C
export LC_ALL
sea=./sea
[ -x "$sea" ] || sea="${abs_top_builddir:-.}/sea"
[ -x "$sea" ] || { echo "cli_combine: cannot find the sea program" >&2; exit 99; }
fx="${srcdir:-.}/tests/fixtures/sea"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sea-cli-combine.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# the value of "key": in a one-line JSON file (first occurrence after the given prefix)
val() { sed -n "s/.*$2\"$1\":\\([^,}]*\\).*/\\1/p" "$3" | head -n 1; }
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-12) }'; }

B="eval bbq --data $fx/bbq-ambig8.jsonl --truncate-context -q --json --details"
$sea $B >"$tmp/all.json" || fail "bbq all"
$sea $B --folds 2 --fold 0 >"$tmp/f0.json" || fail "bbq fold 0"
$sea $B --folds 2 --fold 1 >"$tmp/f1.json" || fail "bbq fold 1"
$sea eval combine "$tmp/f0.json" "$tmp/f1.json" >"$tmp/comb.json" || fail "combine bbq"
# the top-level figures, in the order both print them
top() { sed -n 's/.*"s_dis":\([^,]*\),"s_amb":\([^,]*\),"accuracy":\([^,]*\),"n":\([0-9]*\).*/\1 \2 \3 \4/p' "$1"; }
set -- $(top "$tmp/all.json") $(top "$tmp/comb.json")
[ $# -eq 8 ] || fail "bbq: top-level s_dis, s_amb, accuracy, n not found"
close "$1" "$5" || fail "bbq s_dis: all $1, combined $5"
close "$2" "$6" || fail "bbq s_amb: all $2, combined $6"
close "$3" "$7" || fail "bbq accuracy: all $3, combined $7"
[ "$4" = 8 ] && [ "$8" = 8 ] || fail "bbq n: $4 and $8, expected 8"
# the folds differ (fold 0: the four disambiguated items, fold 1: the ambiguous ones)
set -- $(top "$tmp/f0.json")
[ "$2" = null ] || fail "fold 0 has no ambiguous items: s_amb should be null, got $2"
[ "$(grep -o '"index":' "$tmp/comb.json" | wc -l)" -eq 8 ] || fail "combined details should list 8 items"

proj="$tmp/p.st"
$sea fit --acts "$fx/acts-mlp.safetensors" --out "$proj" -q || fail "fit"
$sea eval pairs --data "$fx/demos.jsonl" --limit 12 -q --json --edit "$proj" --layers last:2 >"$tmp/pall.json" || fail "pairs all"
$sea eval pairs --data "$fx/demos.jsonl" -q --json --edit "$proj" --layers last:2 --folds 8 --fold 0 >"$tmp/p0.json" || fail "pairs fold"
for k in '"layers":\[4,5\]' '"merge":"seq-norm"' '"scale":1[,}]' '"projection":{"site":"mlp"' '"data":'; do
    grep -q "$k" "$tmp/pall.json" || fail "result lacks $k"
done
# the strength is recorded, and an imported projection says where it came from
$sea eval pairs --data "$fx/demos.jsonl" --limit 4 -q --json --edit "$proj" --layers last:2 --edit-scale 0.5 >"$tmp/ps.json" || fail "pairs --edit-scale"
grep -q '"scale":0.5[,}]' "$tmp/ps.json" || fail "result lacks the edit scale 0.5: $(cat "$tmp/ps.json")"
$sea proj import --pos "$fx/../pt/kjv_uu_positive.pt" --neg "$fx/../pt/kjv_uu_negative.pt" --out "$tmp/imp.st" 2>/dev/null || fail "proj import"
$sea eval pairs --data "$fx/demos.jsonl" --limit 4 -q --json --edit "$tmp/imp.st" --layers last:2 >"$tmp/pi.json" 2>/dev/null || fail "pairs with an imported projection"
grep -q '"source":{' "$tmp/pi.json" || fail "result lacks the imported projection's source: $(cat "$tmp/pi.json")"
$sea eval pairs --data "$fx/demos.jsonl" -q --json --edit "$proj" --layers last:2 --folds 8 --fold 1 >"$tmp/p1.json" || fail "pairs fold 1"
$sea eval combine "$tmp/p0.json" "$tmp/p1.json" >"$tmp/pc.json" || fail "combine pairs"
for k in prefer_positive mean_margin n; do
    a=$(val $k "" "$tmp/pall.json")
    c=$(val $k "" "$tmp/pc.json")
    close "$a" "$c" || fail "pairs $k: all $a, combined $c"
done
$sea eval pairs --data "$fx/demos.jsonl" -q --json --edit "$proj" --layers last:1 --folds 8 --fold 1 >"$tmp/p1.json" || fail "pairs fold 1, last:1"
$sea eval combine "$tmp/p0.json" "$tmp/p1.json" >"$tmp/pc.json" 2>"$tmp/err"
[ $? -eq 1 ] || fail "combining two different edits should fail"
grep -q "another task or edit" "$tmp/err" || fail "combine error message: $(cat "$tmp/err")"
$sea eval combine "$tmp/f0.json" "$tmp/p0.json" >/dev/null 2>&1 && fail "combining bbq with pairs should fail"

# generate --prompts: each completion equals what 'generate -p' gives for the same prompt, and
# with a stop string it is the part before it
printf '%s\n' '{"prompt": "And God said", "id": "a"}' '{"prompt": "In the beginning", "stop": [","]}' >"$tmp/in.jsonl"
$sea generate --prompts "$tmp/in.jsonl" --out "$tmp/gen.jsonl" -n 12 2>/dev/null || fail "generate --prompts"
[ "$(wc -l <"$tmp/gen.jsonl")" -eq 2 ] || fail "generate --prompts: expected 2 lines"
for i in 1 2; do
    p=$(sed -n "${i}p" "$tmp/in.jsonl" | sed 's/.*"prompt": "\([^"]*\)".*/\1/')
    full=$($sea generate -p "$p" -n 12 --json | sed 's/.*"text":"\(.*\)"}$/\1/')
    got=$(sed -n "${i}p" "$tmp/gen.jsonl" | sed 's/.*"completion":"\(.*\)","n_tokens".*/\1/')
    if [ $i -eq 1 ]; then
        [ "$got" = "$full" ] || fail "generate --prompts line 1: '$got', generate -p: '$full'"
        grep -q '"id":"a"' "$tmp/gen.jsonl" || fail "generate --prompts: id not copied"
    else
        case "$full" in
        *,*) want=${full%%,*}
            [ "$got" = "$want" ] || fail "stop string: got '$got', expected '$want'"
            sed -n 2p "$tmp/gen.jsonl" | grep -q '"stop":"stop_string"' || fail "stop reason not stop_string" ;;
        *) [ "$got" = "$full" ] || fail "no comma in '$full', completion '$got'" ;;
        esac
    fi
done
printf '%s\n' '{"text": "no prompt"}' >"$tmp/bad.jsonl"
$sea generate --prompts "$tmp/bad.jsonl" --out "$tmp/bad-out.jsonl" 2>"$tmp/err"
[ $? -eq 1 ] || fail "generate --prompts without prompt should fail"
grep -q 'line 1: needs a string "prompt"' "$tmp/err" || fail "generate error: $(cat "$tmp/err")"
[ -e "$tmp/bad-out.jsonl" ] && fail "a failed generate --prompts wrote its output"

[ $fails -eq 0 ] || { echo "cli_combine: $fails failure(s)" >&2; exit 1; }
echo "cli_combine: all checks passed"
