#!/usr/bin/env bash
# .ci/sanitize.sh: the test suite under AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer (doc/SECURITY.md). Configures a separate build directory with
# --enable-sanitizers, runs `make check` there (every Check suite, including the
# allocation-failure walk tests/check_oom and the limits tests/check_limits, and the fuzz
# targets as replay drivers over their committed corpora fuzz/corpus/*), then prints what the
# replays covered. Called by .ci/run after the normal build; can be run alone from a checkout
# (after autoreconf -fi) or from an unpacked release.
#
# Environment: SEA_SAN_BUILD (build directory, default build-sanitize in the source tree),
# SEA_SHARED (as for make check), CC (default: the configure default, gcc on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
build=${SEA_SAN_BUILD:-$top/build-sanitize}
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)

[ -x configure ] || autoreconf -fi
src=$top
if [ -f "$top/config.status" ]; then
    # The tree is configured in place (./configure && make, as the README says), and configure
    # refuses a second, out-of-tree build of such a tree: build from a clean copy of the
    # distribution (make distdir) instead.
    rm -rf "$build"
    mkdir -p "$build"
    make -C "$top" -s distdir distdir="$build/src" >/dev/null
    src=$build/src
    build=$build/obj
fi
mkdir -p "$build"
cd "$build"
"$src/configure" -q --enable-sanitizers
make -j"$jobs"

# Every error is fatal; leaks are errors (LeakSanitizer is part of ASan on Linux).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Instrumented code runs 2-5x slower: per-test timeouts scale with it.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}

if ! make -j"$jobs" check; then
    for f in $(grep -l -E "^(FAIL|ERROR)" $(find . -name '*.trs') 2>/dev/null); do
        echo "==== ${f%.trs}.log"
        tail -n 60 "${f%.trs}.log"
    done
    exit 1
fi

echo "sanitize: fuzz corpora replayed under ASan + UBSan:"
for t in fuzz/fuzz_*.log; do
    [ -f "$t" ] && grep -h "inputs replayed" "$t" | sed 's|^.*/fuzz/|  |'
done
echo "sanitize: done in $(( $(date +%s) - start )) s"
