#!/bin/sh
# tests/cli_gguf.sh: `sea quantize` and `-m FILE.gguf` from the command line. The bundled
# kjv-demo is written as Q8_0; `sea info` and `sea generate` (greedy) on the file must succeed
# and give the same continuation as the safetensors model; hostile GGUF files (truncated,
# garbage, a directory-less path) and bad flags must exit with a status in 1..125, print one
# line on stderr, and `sea quantize` must leave no output file (nor a temporary) when it fails.
# Run by `make check` from the top of the build directory, where ./sea is.

LC_ALL=C
export LC_ALL
sea=./sea
[ -x "$sea" ] || sea="${abs_top_builddir:-.}/sea"
[ -x "$sea" ] || { echo "cli_gguf: cannot find the sea program" >&2; exit 99; }
src="${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sea-cli-gguf.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "cli_gguf: FAIL: $*" >&2; fails=$((fails + 1)); }

# one failing command: status 1..125, one stderr line
expect_fail() {
    what=$1
    shift
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    lines=$(wc -l <"$tmp/stderr")
    if [ "$rc" -lt 1 ] || [ "$rc" -gt 125 ]; then fail "$what: exit status $rc"; fi
    if [ "$lines" -ne 1 ]; then fail "$what: $lines lines on stderr"; cat "$tmp/stderr" >&2; fi
}

"$sea" quantize -m "$src/models/kjv-demo" --type q8_0 --out "$tmp/kjv.gguf" >/dev/null || fail "quantize q8_0"
[ -s "$tmp/kjv.gguf" ] || fail "no GGUF file written"
"$sea" info -m "$tmp/kjv.gguf" >"$tmp/info" 2>&1 || fail "info on the GGUF file"
grep -q "stored as Q8_0" "$tmp/info" || fail "info does not report Q8_0 weights"
a=$("$sea" generate -m "$tmp/kjv.gguf" -n 12 -p "And God said" 2>/dev/null)
b=$("$sea" generate -m "$src/models/kjv-demo" -n 12 -p "And God said" 2>/dev/null)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "greedy continuation differs: '$a' vs '$b'"

head -c 1000 "$tmp/kjv.gguf" >"$tmp/trunc.gguf"
expect_fail "info on a truncated file" "$sea" info -m "$tmp/trunc.gguf"
printf 'GGUF\003\000\000\000garbage' >"$tmp/garbage.gguf"
expect_fail "info on garbage" "$sea" info -m "$tmp/garbage.gguf"
expect_fail "tokenize with a truncated file" "$sea" tokenize -m "$tmp/trunc.gguf" --text "x"
expect_fail "unknown type" "$sea" quantize -m "$src/models/kjv-demo" --type q3_k --out "$tmp/never.gguf"
expect_fail "no directory" "$sea" quantize -m "$tmp/missing" --out "$tmp/never.gguf"
expect_fail "unwritable output" "$sea" quantize -m "$src/models/kjv-demo" --out "$tmp/no/such/dir.gguf"
[ ! -e "$tmp/never.gguf" ] || fail "a failed quantize left a file"
ls "$tmp" | grep -q tmp && fail "a temporary was left behind"

[ "$fails" -eq 0 ] || exit 1
echo "cli_gguf: ok"
