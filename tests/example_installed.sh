#!/bin/sh
# tests/example_installed.sh: an application builds against an installed sea exactly as the
# examples' header comments say, and runs.
#
# `make install DESTDIR=TMP` into a temporary directory, then `cc examples/pipeline.c
# $(pkg-config --cflags --libs sea)` with PKG_CONFIG_PATH pointing at the installed sea.pc and
# PKG_CONFIG_SYSROOT_DIR=TMP (pkg-config prefixes the -I and -L paths with the DESTDIR), and
# pipeline is run on the installed kjv-demo model with the installed libsea.so (the dynamic
# loader must resolve it inside TMP, not in the build tree). Only public headers are
# installed, so this also shows the example needs nothing else. Skips (77) without
# pkg-config or without a shared library.
#
# Run by `make check` from the top of the build directory (CC and MAKE come from the
# Makefile through AM_TESTS_ENVIRONMENT).

LC_ALL=C
export LC_ALL
top="${abs_top_builddir:-.}"
src="${abs_top_srcdir:-${srcdir:-.}}"
if ! command -v pkg-config >/dev/null 2>&1; then
    echo "example_installed: SKIP: no pkg-config"
    exit 77
fi
if [ ! -f "$top/.libs/libsea.so" ]; then
    echo "example_installed: SKIP: no shared library"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sea-example.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"

# a make of its own: not the jobserver of the `make check` that runs this script
if ! (cd "$top" && MAKEFLAGS= MFLAGS= ${MAKE:-make} -s install DESTDIR="$dest") >"$tmp/install.log" 2>&1; then
    echo "example_installed: FAIL: make install DESTDIR=$dest" >&2
    tail -20 "$tmp/install.log" >&2
    exit 1
fi
pc=$(find "$dest" -name sea.pc -path '*/pkgconfig/*' | head -n 1)
model=$(find "$dest" -type d -name kjv-demo | head -n 1)
if [ -z "$pc" ] || [ -z "$model" ]; then
    echo "example_installed: FAIL: no sea.pc or kjv-demo model installed under $dest" >&2
    exit 1
fi
if find "$dest" -name '*_internal.h' -o -name internal.h | grep . >/dev/null; then
    echo "example_installed: FAIL: an internal header is installed" >&2
    exit 1
fi
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR="$dest"
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
flags=$(pkg-config --cflags --libs sea) || { echo "example_installed: FAIL: pkg-config --cflags --libs sea" >&2; exit 1; }
case "$flags" in
*"$dest"*) ;;
*) echo "example_installed: FAIL: pkg-config flags '$flags' do not point into $dest" >&2; exit 1 ;;
esac
# pkgconf prefixes variables with the sysroot, pkg-config 0.29 does not
libdir=$(pkg-config --variable=libdir sea)
case "$libdir" in
"$dest"/*) ;;
*) libdir="$dest$libdir" ;;
esac
# the build exactly as examples/pipeline.c says: cc pipeline.c $(pkg-config --cflags --libs sea)
# (a sanitizer build installs an instrumented library: the program takes the same flags, as any
# program linking that library would)
if ! ${CC:-cc} "$src/examples/pipeline.c" ${SEA_SAN_CFLAGS:-} $flags -o "$tmp/pipeline" 2>"$tmp/cc.log"; then
    echo "example_installed: FAIL: ${CC:-cc} examples/pipeline.c $flags" >&2
    cat "$tmp/cc.log" >&2
    exit 1
fi
LD_LIBRARY_PATH="$libdir"
export LD_LIBRARY_PATH
if command -v ldd >/dev/null 2>&1; then
    where=$(ldd "$tmp/pipeline" | grep 'libsea\.so')
    case "$where" in
    *"$dest"*) ;;
    *) echo "example_installed: FAIL: pipeline loads libsea from '$where', not from $dest" >&2; exit 1 ;;
    esac
fi
if ! "$tmp/pipeline" "$model" >"$tmp/out" 2>"$tmp/err"; then
    echo "example_installed: FAIL: pipeline $model" >&2
    cat "$tmp/err" >&2
    exit 1
fi
if ! grep -q '^held-out pairs: positive preferred' "$tmp/out"; then
    echo "example_installed: FAIL: pipeline did not print the held-out score" >&2
    cat "$tmp/out" >&2
    exit 1
fi
echo "example_installed: built with: $flags"
tail -n 1 "$tmp/out"
exit 0
