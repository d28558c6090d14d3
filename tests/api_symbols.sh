#!/bin/sh
# tests/api_symbols.sh: the shared library exports the public API and nothing else.
#
# Lists the dynamic symbols libsea.so defines (nm -D --defined-only) and fails on any that is
# not a public name (sea_ followed by a letter or digit: no sea__ internals, no helper of the
# compiler or the OpenMP runtime), and on any function a public header declares SEA_API that
# the library does not export (so a broken visibility setting cannot pass by exporting
# nothing). Skips (77) where no shared library is built (--disable-shared) or nm is missing.
#
# Run by `make check` from the top of the build directory.

LC_ALL=C
export LC_ALL
lib="${abs_top_builddir:-.}/.libs/libsea.so"
inc="${srcdir:-.}/include"
if [ ! -f "$lib" ]; then
    echo "api_symbols: SKIP: no shared library ($lib)"
    exit 77
fi
if ! command -v nm >/dev/null 2>&1; then
    echo "api_symbols: SKIP: no nm"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sea-api-symbols.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" >"$tmp/nm" || { echo "api_symbols: nm -D failed on $lib" >&2; exit 99; }
awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" | sort -u >"$tmp/exported"
fails=0
n=$(wc -l <"$tmp/exported")
if [ "$n" -lt 50 ]; then
    echo "api_symbols: FAIL: only $n symbols exported" >&2
    fails=1
fi
if grep -v '^sea_[a-z0-9][a-z0-9_]*$' "$tmp/exported" >"$tmp/bad"; then
    echo "api_symbols: FAIL: exported but not public:" >&2
    sed 's/^/  /' "$tmp/bad" >&2
    fails=1
fi
# every function declared SEA_API in the installed headers
cat "$inc/sea.h" "$inc"/sea/*.h | tr '\n' ' ' | tr ';' '\n' |
    sed -n 's/.*SEA_API[^(]*[^a-z0-9_(]\(sea_[a-z0-9_]*\) *(.*/\1/p' | sort -u >"$tmp/declared"
d=$(wc -l <"$tmp/declared")
if [ "$d" -lt 50 ]; then
    echo "api_symbols: FAIL: found only $d SEA_API declarations under $inc" >&2
    fails=1
fi
if comm -23 "$tmp/declared" "$tmp/exported" >"$tmp/missing" && [ -s "$tmp/missing" ]; then
    echo "api_symbols: FAIL: declared SEA_API but not exported:" >&2
    sed 's/^/  /' "$tmp/missing" >&2
    fails=1
fi
echo "api_symbols: $n exported symbols, $d SEA_API declarations"
exit $fails
