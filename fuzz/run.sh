#!/bin/sh
# fuzz/run.sh: run the libFuzzer targets and maintain the committed corpora (doc/SECURITY.md).
#
#   fuzz/run.sh fuzz BUILD TARGET [SECONDS]
#       fuzz one target of a libFuzzer build (configure CC=clang --enable-fuzzing
#       --enable-sanitizers) for SECONDS (default 600), starting from fuzz/corpus/TARGET; new
#       inputs go to $FUZZ_WORK/TARGET/new (default FUZZ_WORK=/tmp/sea-fuzz), crashes to
#       $FUZZ_WORK/TARGET/artifacts, the log (with libFuzzer's final stats) to
#       $FUZZ_WORK/TARGET/log, the totals to $FUZZ_WORK/TARGET/summary. A timeout that does not
#       reproduce when replayed (the machine stalled) resumes fuzzing for the time left.
#   fuzz/run.sh merge BUILD TARGET [DIR...]
#       add to fuzz/corpus/TARGET the inputs of DIR (default $FUZZ_WORK/TARGET/new) that reach
#       new coverage (libFuzzer -merge=1: the committed files stay, few new ones are added).
#   fuzz/run.sh seeds BUILD CAPTURE_DIR [TARGET...]
#       install the inputs recorded by fuzz/seeds/capture.sh: every input of a hostile-input
#       test suite is copied (they are the checklist cases), inputs of the conformance suites
#       (golden texts and lines) are merged, so only those adding coverage are kept.
#   fuzz/run.sh replay BUILD [TARGET...]
#       replay corpora with the targets of BUILD (libFuzzer or replay drivers).
#
# Crash, leak and timeout inputs always go to $FUZZ_WORK/TARGET/artifacts/.
# Options used for every run: -max_len=65536 (multi-tensor headers need more than the 4096
# default), -rss_limit_mb=2048 (an unbounded allocation is a finding), -timeout=10.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_WORK:-/tmp/sea-fuzz}
opts="-max_len=65536 -rss_limit_mb=2048 -timeout=10"
TARGETS="json safetensors st_dir config model tokenizer tokenize demos acts proj truthfulqa bbq pt gguf"

usage() {
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

dict_of() {
    case $1 in
    tokenize | truthfulqa) echo "" ;;
    *) echo "-dict=$src/fuzz/dict/sea.dict" ;;
    esac
}

[ $# -ge 2 ] || usage
cmd=$1
build=$(cd "$2" && pwd)
shift 2
case $cmd in
fuzz)
    [ $# -ge 1 ] || usage
    t=$1
    secs=${2:-600}
    mkdir -p "$work/$t/new" "$work/$t/artifacts"
    : >"$work/$t/log"
    done_s=0 runs=0 session=0
    # A timeout that does not reproduce (the input runs in well under the limit when replayed:
    # the machine stalled) does not end the campaign: fuzzing resumes for the remaining time.
    while [ "$done_s" -lt "$secs" ]; do
        session=$((session + 1))
        before=$(ls "$work/$t/artifacts" | wc -l)
        t0=$(date +%s)
        # shellcheck disable=SC2046
        "$build/fuzz/fuzz_$t" $opts $(dict_of "$t") -max_total_time=$((secs - done_s)) -print_final_stats=1 \
            -artifact_prefix="$work/$t/artifacts/" "$work/$t/new" "$src/fuzz/corpus/$t" >"$work/$t/log.$session" 2>&1 || true
        done_s=$((done_s + $(date +%s) - t0))
        cat "$work/$t/log.$session" >>"$work/$t/log"
        runs=$((runs + $(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log.$session" | tail -1)))
        new=$(ls -t "$work/$t/artifacts" | head -n $(($(ls "$work/$t/artifacts" | wc -l) - before)))
        [ -z "$new" ] && break
        case $new in
        timeout-*)
            # shellcheck disable=SC2086
            if "$build/fuzz/fuzz_$t" -runs=3 -timeout=1 $opts "$work/$t/artifacts/$new" >/dev/null 2>&1; then
                echo "session $session: $new does not reproduce (runs in under 1 s): resuming" | tee -a "$work/$t/log"
                mv "$work/$t/artifacts/$new" "$work/$t/artifacts/spurious-$new"
                continue
            fi ;;
        esac
        echo "session $session: finding $new" | tee -a "$work/$t/log"
        break
    done
    last=$(grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$work/$t/log" | tail -1)
    echo "$t: $done_s s in $session session(s), $runs executions ($((runs / (done_s > 0 ? done_s : 1))) exec/s);" \
        "corpus $(ls "$work/$t/new" | wc -l) new + $(ls "$src/fuzz/corpus/$t" | wc -l) committed files; last: $last" |
        tee "$work/$t/summary"
    ls "$work/$t/artifacts"
    ;;
merge)
    [ $# -ge 1 ] || usage
    t=$1
    shift
    [ $# -ge 1 ] || set -- "$work/$t/new"
    mkdir -p "$src/fuzz/corpus/$t"
    mkdir -p "$work/$t/artifacts"
    "$build/fuzz/fuzz_$t" $opts -artifact_prefix="$work/$t/artifacts/" -merge=1 "$src/fuzz/corpus/$t" "$@" 2>&1 |
        grep -E "MERGE-OUTER: [0-9]+ new files" || true
    ;;
seeds)
    [ $# -ge 1 ] || usage
    cap=$(cd "$1" && pwd)
    shift
    [ $# -ge 1 ] || set -- $TARGETS
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for t in "$@"; do
        [ -d "$cap/$t" ] || continue
        mkdir -p "$src/fuzz/corpus/$t" "$tmp/$t" "$work/$t/artifacts"
        # conformance data (golden texts and lines), not hostile input: merged, the rest copied
        find "$cap/$t" -type f \( -name 'check_tokenizer-test_golden_*' -o -name 'check_tokenizer-test_heap_equals_naive-*' \
            -o -name 'check_tokenizer-test_stream_goldens-*' \) -exec cp -t "$tmp/$t/" {} +
        find "$cap/$t" -type f ! -name 'check_tokenizer-test_golden_*' ! -name 'check_tokenizer-test_heap_equals_naive-*' \
            ! -name 'check_tokenizer-test_stream_goldens-*' -exec cp -t "$src/fuzz/corpus/$t/" {} +
        if [ -n "$(ls "$tmp/$t")" ]; then
            "$build/fuzz/fuzz_$t" $opts -artifact_prefix="$work/$t/artifacts/" -merge=1 "$src/fuzz/corpus/$t" "$tmp/$t" 2>&1 |
                grep -E "MERGE-OUTER: [0-9]+ new files" || true
        fi
        echo "$t: $(ls "$src/fuzz/corpus/$t" | wc -l) files"
    done
    ;;
replay)
    [ $# -ge 1 ] || set -- $TARGETS
    for t in "$@"; do
        if grep -q "libFuzzer" "$build/fuzz/fuzz_$t"; then
            mkdir -p "$work/$t/artifacts"
            "$build/fuzz/fuzz_$t" -runs=0 $opts -artifact_prefix="$work/$t/artifacts/" "$src/fuzz/corpus/$t" 2>&1 |
                grep -E "INITED|DONE|ERROR" || true
        else
            "$build/fuzz/fuzz_$t" "$src/fuzz/corpus/$t"
        fi
    done
    ;;
*) usage ;;
esac
