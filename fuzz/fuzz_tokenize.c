/* fuzz/fuzz_tokenize.c: encoding arbitrary text with fixed tokenizers, and decoding arbitrary
 * ids. Byte 0 chooses: bit 0 the tokenizer (0: the bundled kjv-demo, SentencePiece-style with
 * byte fallback; 1: fuzz/tokenizers/bytelevel.json, byte-level BPE with the Llama-3 regex),
 * bit 1 add_special, bit 2 decode mode (the rest read as little-endian 16-bit ids, some out of
 * range) instead of encode mode (the rest is the text).
 *
 * Encode: text that is not UTF-8 is refused with SEA_ERR_FORMAT; valid text is encoded (ids in
 * range), decoded, and streamed; with the byte-level tokenizer decoding gives the text back
 * exactly, and the streamed pieces join to the same text. Decode: ids in range decode, an id out
 * of range is an error. */
#include "fuzz.h"

static sea_tokenizer *g_tok[2];

static sea_tokenizer *tokenizer(int which)
{
    if (!g_tok[which]) {
        sea_err err;
        sea_status st = which == 0 ? sea_tokenizer_open(&g_tok[0], SEA_SRC_MODELDIR "/kjv-demo", &err)
                                   : sea_tokenizer_open_file(&g_tok[1], FUZZ_DIR "/tokenizers/bytelevel.json", NULL, &err);
        if (st != SEA_OK) {
            fprintf(stderr, "fuzz_tokenize: cannot open the fixed tokenizer: %s\n", err.msg);
            abort();
        }
    }
    return g_tok[which];
}

/* Whether s[0..n) is valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF). */
static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) k = 1, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0) k = 2, cp = c & 0x0F, min = 0x800;
        else if ((c & 0xF8) == 0xF0) k = 3, cp = c & 0x07, min = 0x10000;
        else return 0;
        if (n - i <= k) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += k + 1;
    }
    return 1;
}

static int has_replacement_char(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if ((uint8_t)s[i] == 0xEF && (uint8_t)s[i + 1] == 0xBF && (uint8_t)s[i + 2] == 0xBD) return 1;
    return 0;
}

static void decode_ids(const sea_tokenizer *tok, const uint8_t *p, size_t n, int skip)
{
    int32_t ids[4096];
    size_t k = 0;
    int32_t n_vocab = sea_tokenizer_n_vocab(tok);
    int out_of_range = 0;
    char *text = NULL;
    size_t len;
    sea_err err;
    sea_status st;
    for (size_t i = 0; i + 1 < n && k < sizeof ids / sizeof ids[0]; i += 2) {
        int32_t v = (int32_t)(p[i] | (p[i + 1] << 8));
        if (v >= 0xFFF0) v = v == 0xFFFF ? -1 : n_vocab + (v - 0xFFF0); /* a few ids out of range */
        else v %= n_vocab;
        out_of_range |= v < 0 || v >= n_vocab;
        ids[k++] = v;
    }
    st = sea_detokenize(tok, ids, k, skip, &text, &len, &err);
    fz_check_status(st, &err, "sea_detokenize");
    if ((st == SEA_OK) == out_of_range) fz_fail("sea_detokenize", out_of_range ? "accepted an id out of range" : err.msg);
    if (st == SEA_OK) sea_free(text);
}

static void append(char **buf, size_t *len, const char *b, size_t n)
{
    char *nb = realloc(*buf, *len + n + 1);
    if (!nb) abort();
    if (n) memcpy(nb + *len, b, n);
    *buf = nb;
    *len += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const sea_tokenizer *tok;
    const char *text;
    size_t len;
    int32_t *ids = NULL;
    size_t n = 0;
    sea_err err;
    sea_status st;
    int byte_level, add;
    fz_quiet();
    if (size < 1) return 0;
    byte_level = data[0] & 1;
    add = (data[0] >> 1) & 1;
    tok = tokenizer(byte_level);
    if (data[0] & 4) {
        decode_ids(tok, data + 1, size - 1, add);
        return 0;
    }
    text = (const char *)data + 1;
    len = size - 1;
    st = sea_tokenize(tok, text, len, add, &ids, &n, &err);
    fz_check_main(st, &err, "sea_tokenize");
    if (st != SEA_OK) {
        if (valid_utf8(data + 1, len)) fz_fail("sea_tokenize refused valid UTF-8", err.msg);
        return 0;
    }
    if (!valid_utf8(data + 1, len)) fz_fail("sea_tokenize", "accepted text that is not UTF-8");
    {
        char *out = NULL;
        size_t out_len = 0;
        sea_detok_stream *s = NULL;
        const char *b;
        size_t bl;
        char *joined = NULL;
        size_t jl = 0;
        for (size_t i = 0; i < n; i++)
            if (ids[i] < 0 || ids[i] >= sea_tokenizer_n_vocab(tok)) fz_fail("sea_tokenize", "id out of range");
        st = sea_detokenize(tok, ids, n, 0, &out, &out_len, &err);
        if (st != SEA_OK) fz_fail("sea_detokenize", err.msg);
        /* byte-level BPE is lossless: the text comes back (with the BOS text when added) */
        if (byte_level && !add && (out_len != len || memcmp(out, text, len) != 0))
            fz_fail("byte-level round trip", "decode(encode(text)) != text");
        st = sea_detok_stream_new_ex(&s, tok, 0, &err);
        if (st != SEA_OK) fz_fail("sea_detok_stream_new_ex", err.msg);
        for (size_t i = 0; i < n; i++) {
            st = sea_detok_stream_push(s, ids[i], &b, &bl, &err);
            if (st != SEA_OK) fz_fail("sea_detok_stream_push", err.msg);
            append(&joined, &jl, b, bl);
        }
        sea_detok_stream_flush(s, &b, &bl);
        append(&joined, &jl, b, bl);
        if (!has_replacement_char(out, out_len) && (jl != out_len || memcmp(joined, out, jl) != 0))
            fz_fail("stream", "streamed pieces differ from the whole decode");
        sea_detok_stream_free(s);
        free(joined);
        sea_free(out);
    }
    sea_free(ids);
    return 0;
}
