#!/bin/sh
# tests/cli_hostile.sh: `sea info` and `sea forward --dump` on hostile model directories.
#
# Each directory is a valid random-weight model (sea make-model) with one file made hostile:
# a malformed safetensors header, a bad index, a bad config, a FIFO where a file should be.
# For each, both commands must exit with a status in 1..125 (not a signal, not a timeout),
# print exactly one line on stderr naming the file at fault, and write no output file (nor
# a temporary). A control run on the intact model must succeed and write the dump, so the
# checks can fail. Needs only a POSIX shell, dd, head, od-free printf and (if present)
# timeout; no Python.
#
# Run by `make check` from the top of the build directory, where ./sea is.

LC_ALL=C
export LC_ALL
sea=./sea
[ -x "$sea" ] || sea="${abs_top_builddir:-.}/sea"
if [ ! -x "$sea" ]; then
    echo "cli_hostile: cannot find the sea program (run from the build directory)" >&2
    exit 99
fi
to=""
if command -v timeout >/dev/null 2>&1; then to="timeout 60"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sea-cli-hostile.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
out="$tmp/out"
mkdir "$out" "$tmp/cases" || exit 99
fails=0
n_cases=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# ---- byte helpers ----
# le64 N: N (below 2^63) as 8 little-endian bytes
le64() {
    _n=$1
    _i=0
    while [ $_i -lt 8 ]; do
        printf "\\$(printf %03o $((_n % 256)))"
        _n=$((_n / 256))
        _i=$((_i + 1))
    done
}
# zeros N: N zero bytes
zeros() {
    dd if=/dev/zero bs=1024 count=$((($1 + 1023) / 1024)) 2>/dev/null | head -c "$1"
}
# st FILE HEADER DATA_BYTES: a safetensors file with that header and zero data
st() {
    { le64 ${#2}; printf '%s' "$2"; zeros "$3"; } >"$1"
}

# ---- the intact model ----
base="$tmp/base"
if ! $sea make-model --shape tiny --dtype f32 --out "$base" >/dev/null 2>"$tmp/make.err"; then
    cat "$tmp/make.err" >&2
    echo "cli_hostile: sea make-model failed" >&2
    exit 99
fi
base_size=$(wc -c <"$base/model.safetensors")

# new_case NAME: a fresh copy of the intact model, path in $dir
new_case() {
    dir="$tmp/cases/$1"
    mkdir "$dir" && cp "$base/config.json" "$base/generation_config.json" "$base/model.safetensors" "$dir/" || exit 99
}

# check NAME FILE_NAME: run both commands on $dir and check what they did
check() {
    name=$1
    want=$2
    n_cases=$((n_cases + 1))
    for cmd in info forward; do
        if [ $cmd = info ]; then
            $to $sea info -m "$dir" >"$tmp/stdout" 2>"$tmp/stderr"
        else
            $to $sea forward -m "$dir" --ids 1,2 --dump "$out/dump.safetensors" >"$tmp/stdout" 2>"$tmp/stderr"
        fi
        rc=$?
        if [ $rc -eq 124 ] && [ -n "$to" ]; then
            fail "$name: sea $cmd hung (killed after 60 s)"
        elif [ $rc -eq 0 ]; then
            fail "$name: sea $cmd accepted a hostile directory"
        elif [ $rc -gt 125 ]; then
            fail "$name: sea $cmd died with status $rc (signal $((rc - 128)))"
        fi
        lines=$(wc -l <"$tmp/stderr")
        if [ "$lines" -ne 1 ]; then
            fail "$name: sea $cmd wrote $lines lines on stderr:"
            sed 's/^/    /' "$tmp/stderr" >&2
        elif ! grep -F -q -- "$want" "$tmp/stderr"; then
            fail "$name: sea $cmd: message does not name $want: $(cat "$tmp/stderr")"
        fi
        if [ -n "$(ls -A "$out")" ]; then
            fail "$name: sea $cmd left files in the output directory: $(ls -A "$out")"
            rm -f "$out"/* "$out"/.[!.]* 2>/dev/null
        fi
    done
}

# ---- control: the intact model works and the dump is written ----
$to $sea info -m "$base" >/dev/null 2>"$tmp/stderr" || fail "control: sea info failed: $(cat "$tmp/stderr")"
if $to $sea forward -m "$base" --ids 1,2 --dump "$out/dump.safetensors" >/dev/null 2>"$tmp/stderr"; then
    [ -s "$out/dump.safetensors" ] || fail "control: sea forward wrote no dump"
else
    fail "control: sea forward failed: $(cat "$tmp/stderr")"
fi
rm -f "$out"/*

ST=model.safetensors
E='"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}'

# ---- safetensors framing (cases 1-12) ----
new_case c01-empty;        : >"$dir/$ST";                                   check c01-empty "$ST"
new_case c01-seven;        printf 'abcdefg' >"$dir/$ST";                    check c01-seven "$ST"
new_case c02-beyond;       { le64 1000; printf '{}'; } >"$dir/$ST";         check c02-beyond "$ST"
new_case c03-too-large;    printf '\074\000\000\000\000\377\377\377{}' >"$dir/$ST"; check c03-too-large "$ST"
new_case c04-wrap;         printf '\377\377\377\377\377\377\377\377{}' >"$dir/$ST"; check c04-wrap "$ST"
new_case c05-zero;         le64 0 >"$dir/$ST";                              check c05-zero "$ST"
new_case c05-spaces;       st "$dir/$ST" "        " 0;                      check c05-spaces "$ST"
new_case c06-utf8;         st "$dir/$ST" "$(printf '{"\303\050":{}}')" 0;   check c06-utf8 "$ST"
new_case c07-json;         st "$dir/$ST" "{" 0;                             check c07-json "$ST"
new_case c08-array;        st "$dir/$ST" "[]" 0;                            check c08-array "$ST"
new_case c09-nul;          { le64 4; printf '{}\000\000'; } >"$dir/$ST";    check c09-nul "$ST"
new_case c10-truncated;    head -c $((base_size - 1)) "$base/$ST" >"$dir/$ST"; check c10-truncated "$ST"
new_case c11-extra;        printf 'x' >>"$dir/$ST";                         check c11-extra "$ST"
new_case c12-big-endian
{ printf '\000\000\000\000\000\000\000\070'; printf '{%s}' "$E" | head -c 56; } >"$dir/$ST"
check c12-big-endian "$ST"

# ---- JSON (13-19) ----
new_case c13-nesting
{ le64 100000; zeros 100000 | tr '\000' '['; } >"$dir/$ST";                check c13-nesting "$ST"
new_case c15-duplicate;    st "$dir/$ST" "{$E,$E}" 8;                       check c15-duplicate "$ST"
new_case c15-dup-newline
st "$dir/$ST" '{"a\nb":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a\nb":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}' 8
check c15-dup-newline "$ST"
new_case c17-surrogate;    st "$dir/$ST" '{"\uD800":{}}' 0;                 check c17-surrogate "$ST"
new_case c18-negative;     st "$dir/$ST" '{"a":{"dtype":"F32","shape":[2],"data_offsets":[-1,8]}}' 8; check c18-negative "$ST"
new_case c19-long-number
head19='{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,'
{ le64 $((${#head19} + 2097152 + 3)); printf '%s' "$head19"
  zeros 2097152 | tr '\000' '7'; printf ']}}'; zeros 1; } >"$dir/$ST"
check c19-long-number "$ST"

# ---- entries (20-30) ----
new_case c20-missing;      st "$dir/$ST" '{"a":{"dtype":"F32","shape":[2]}}' 8; check c20-missing "$ST"
new_case c21-dtype;        st "$dir/$ST" '{"a":{"dtype":"Q4_0","shape":[2],"data_offsets":[0,8]}}' 8; check c21-dtype "$ST"
new_case c23-offsets;      st "$dir/$ST" '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}' 8; check c23-offsets "$ST"
new_case c24-reversed;     st "$dir/$ST" '{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}' 8; check c24-reversed "$ST"
new_case c25-overflow
st "$dir/$ST" '{"a":{"dtype":"F32","shape":[4194305,4194305,211106198978564],"data_offsets":[0,8]}}' 8
check c25-overflow "$ST"
new_case c26-span;         st "$dir/$ST" '{"a":{"dtype":"I32","shape":[2,2],"data_offsets":[0,4]}}' 4; check c26-span "$ST"
new_case c28-rank;         st "$dir/$ST" '{"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}' 4; check c28-rank "$ST"
new_case c29-metadata;     st "$dir/$ST" '{"__metadata__":{"format":1}}' 0; check c29-metadata "$ST"
new_case c30-name;         st "$dir/$ST" '{"a\u0001":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}' 4; check c30-name "$ST"

# ---- layout (31-33) ----
new_case c31-gap;          st "$dir/$ST" '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}' 8; check c31-gap "$ST"
new_case c32-overlap
st "$dir/$ST" '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' 8
check c32-overlap "$ST"
new_case c33-huge-end
st "$dir/$ST" '{"a":{"dtype":"U8","shape":[1073741823,1073741825],"data_offsets":[0,1152921504606846975]}}' 0
check c33-huge-end "$ST"

# ---- files that are not what their names say ----
new_case fifo-weights;     rm "$dir/$ST" && mkfifo "$dir/$ST";              check fifo-weights "$ST"
new_case dir-weights;      rm "$dir/$ST" && mkdir "$dir/$ST";               check dir-weights "$ST"
new_case no-weights;       rm "$dir/$ST";                                   check no-weights "no $ST"

# ---- sharded index (36-38) ----
IX=model.safetensors.index.json
new_case c36-dotdot
mv "$dir/$ST" "$dir/part.safetensors"
printf '{"weight_map":{"model.embed_tokens.weight":"../base/model.safetensors"}}' >"$dir/$IX"
check c36-dotdot "$IX"
new_case c36-absolute
mv "$dir/$ST" "$dir/part.safetensors"
printf '{"weight_map":{"model.embed_tokens.weight":"%s"}}' "$base/$ST" >"$dir/$IX"
check c36-absolute "$IX"
new_case c37-duplicate
rm "$dir/$ST"
printf '{"weight_map":{"a":"x.safetensors","a":"x.safetensors"}}' >"$dir/$IX"
check c37-duplicate "$IX"
new_case c38-missing-shard
rm "$dir/$ST"
printf '{"weight_map":{"model.embed_tokens.weight":"model-00001-of-00002.safetensors"}}' >"$dir/$IX"
check c38-missing-shard "model-00001-of-00002.safetensors"
new_case c38-unlisted
mv "$dir/$ST" "$dir/part.safetensors"
printf '{"weight_map":{"model.embed_tokens.weight":"part.safetensors"}}' >"$dir/$IX"
check c38-unlisted "$IX"
new_case fifo-index;       rm "$dir/$ST" && mkfifo "$dir/$IX";              check fifo-index "$IX"

# ---- config.json (40-44) ----
CF=config.json
new_case c40-missing-config; rm "$dir/$CF";                                 check c40-missing-config "$CF"
new_case c40-string-layers
sed 's/"num_hidden_layers": [0-9]*/"num_hidden_layers": "2"/' "$base/$CF" >"$dir/$CF"
check c40-string-layers "$CF"
new_case c40-model-type
sed 's/"model_type": "llama"/"model_type": "gpt2"/' "$base/$CF" >"$dir/$CF"
check c40-model-type "$CF"
new_case c41-zero-layers
sed 's/"num_hidden_layers": [0-9]*/"num_hidden_layers": 0/' "$base/$CF" >"$dir/$CF"
check c41-zero-layers "$CF"
new_case c42-heads
sed 's/"num_key_value_heads": [0-9]*/"num_key_value_heads": 3/' "$base/$CF" >"$dir/$CF"
check c42-heads "$CF"
new_case c44-eps
sed 's/"rms_norm_eps": [0-9.e-]*/"rms_norm_eps": 0/' "$base/$CF" >"$dir/$CF"
check c44-eps "$CF"
new_case c44-rope
sed 's/"rope_scaling": null/"rope_scaling": {"rope_type": "yarn", "factor": 4.0}/' "$base/$CF" >"$dir/$CF"
check c44-rope "$CF"
new_case c40-json;         printf '{"model_type": "llama",' >"$dir/$CF";    check c40-json "$CF"
new_case fifo-config;      rm "$dir/$CF" && mkfifo "$dir/$CF";              check fifo-config "$CF"
new_case gen-config;       printf '{"eos_token_id": [1,' >"$dir/generation_config.json"; check gen-config generation_config.json

# ---- config against tensors (45) ----
new_case c45-layers
sed 's/"num_hidden_layers": [0-9]*/"num_hidden_layers": 3/' "$base/$CF" >"$dir/$CF"
check c45-layers "$ST"
new_case c45-vocab
sed 's/"vocab_size": [0-9]*/"vocab_size": 500/' "$base/$CF" >"$dir/$CF"
check c45-vocab "$ST"
new_case c45-kv-heads
sed 's/"num_key_value_heads": [0-9]*/"num_key_value_heads": 4/' "$base/$CF" >"$dir/$CF"
check c45-kv-heads "$ST"

echo "cli_hostile: $n_cases hostile directories, 2 commands each, $fails failures"
[ $fails -eq 0 ]
