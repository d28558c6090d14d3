#!/bin/sh
# fuzz/seeds/capture.sh BUILD_DIR OUT_DIR: recompile the hostile-input test suites with
# fuzz/seeds/capture.h force-included and run them, so that every input they hand a reader is
# recorded under OUT_DIR/<fuzz target>/ (see capture.h). BUILD_DIR is a configured and built
# tree of this source (its .libs/libsea.a, config.h and sea binary are used). The recorded
# files are the checklist part of the seed corpora in fuzz/corpus/ (fuzz/run.sh seeds merges
# them in). Not part of the build.
set -eu
build=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CC=${CC:-gcc}
suites="check_json check_safetensors check_st_index check_st_writer check_config check_model_load
check_tokenizer_hostile check_tokenizer_units check_tokenizer check_proj check_sea check_fit"
for s in $suites; do
    [ -f "$src/tests/$s.c" ] || continue
    $CC -std=c99 -O1 -fopenmp -finstrument-functions -include "$src/fuzz/seeds/capture.h" \
        -I"$src/include" -I"$src/src" -I"$build" -I"$src/tests" \
        -DSEA_TEST_FIXTURES="\"$src/tests/fixtures\"" -DSEA_SRC_MODELDIR="\"$src/models\"" \
        -DSEA_INSTALLED_MODELDIR="\"$src/models\"" -DSEA_BIN="\"$build/sea\"" \
        $(pkg-config --cflags check) -o "$tmp/$s" "$src/tests/$s.c" "$src/fuzz/seeds/capture.c" \
        "$build/.libs/libsea.a" $(pkg-config --libs check) -lm
    echo "capture: $s"
    (cd "$tmp" && SEA_CAPTURE="$out" SEA_CAPTURE_SUITE="$s" CK_DEFAULT_TIMEOUT=600 "./$s" >/dev/null 2>&1) || echo "capture: $s had failures (recorded anyway)"
done
for d in "$out"/*/; do echo "$(ls "$d" | wc -l) $(basename "$d")"; done
