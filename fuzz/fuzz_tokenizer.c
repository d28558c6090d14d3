/* fuzz/fuzz_tokenizer.c: tokenizer.json (+ tokenizer_config.json as a second part named
 * tokenizer_config.json, in the multi-file format of fuzz.h) through sea_tokenizer_open_mem.
 * A tokenizer that opens is then used: fixed texts and its own pieces are encoded (every id
 * in range), decoded whole and streamed, and every id below n_vocab (up to a bound) is decoded
 * and looked up. */
#include "fuzz.h"

#define MAX_IDS_DECODED 512

static const char *const texts[] = {
    "",
    "Hello world",
    " In the beginning God created the heaven and the earth.\n\n",
    "  leading and trailing  ",
    "caf\xc3\xa9 na\xc3\xafve \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 12345 3.14",
    "<s>[INST] hi [/INST]</s><unk><|begin_of_text|>",
    "\t\r\n\xe2\x96\x81x\xc2\xa0y",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "it's I'll we'd 'S",
};

/* Decode ids whole and streamed; both must succeed for ids in range. */
static void decode_both(const sea_tokenizer *tok, const int32_t *ids, size_t n)
{
    sea_err err;
    char *text = NULL;
    size_t len = 0;
    sea_detok_stream *s = NULL;
    const char *b;
    size_t bl;
    sea_status st;
    for (int skip = 0; skip < 2; skip++) {
        st = sea_detokenize(tok, ids, n, skip, &text, &len, &err);
        if (st != SEA_OK) fz_fail("sea_detokenize", err.msg);
        if (!text || text[len] != '\0') fz_fail("sea_detokenize", "result not NUL-terminated");
        sea_free(text);
        text = NULL;
    }
    st = sea_detok_stream_new_ex(&s, tok, 0, &err);
    if (st != SEA_OK) fz_fail("sea_detok_stream_new", err.msg);
    for (size_t i = 0; i < n; i++) {
        st = sea_detok_stream_push(s, ids[i], &b, &bl, &err);
        if (st != SEA_OK) fz_fail("sea_detok_stream_push", err.msg);
    }
    sea_detok_stream_flush(s, &b, &bl);
    sea_detok_stream_free(s);
}

static void encode_decode(const sea_tokenizer *tok, const char *text, size_t len)
{
    int32_t n_vocab = sea_tokenizer_n_vocab(tok);
    for (int add = 0; add < 2; add++) {
        int32_t *ids = NULL;
        size_t n = 0;
        sea_err err;
        sea_status st = sea_tokenize(tok, text, len, add, &ids, &n, &err);
        fz_check_status(st, &err, "sea_tokenize");
        if (st != SEA_OK) {
            /* valid UTF-8 text may only fail for a limit (or out of memory) */
            if (st != SEA_ERR_LIMIT && st != SEA_ERR_NOMEM && st != SEA_ERR_FORMAT) fz_fail("sea_tokenize", err.msg);
            continue;
        }
        if (!ids) fz_fail("sea_tokenize", "NULL ids on success");
        for (size_t i = 0; i < n; i++)
            if (ids[i] < 0 || ids[i] >= n_vocab) fz_fail("sea_tokenize", "id out of range");
        decode_both(tok, ids, n);
        sea_free(ids);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_part parts[FZ_MAX_PARTS];
    int n = fz_split(parts, data, size);
    const fz_part *cfg = NULL;
    sea_tokenizer *tok = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    for (int i = 1; i < n; i++)
        if (strcmp(parts[i].name, "tokenizer_config.json") == 0) cfg = &parts[i];
    sea_err_clear(&err);
    st = sea_tokenizer_open_mem(&tok, (const char *)parts[0].data, parts[0].len, cfg ? (const char *)cfg->data : NULL,
                                cfg ? cfg->len : 0, "tokenizer.json", &err);
    fz_check_main(st, &err, "sea_tokenizer_open_mem");
    if (st != SEA_OK) {
        if (tok) fz_fail("sea_tokenizer_open_mem", "failure left a handle");
        return 0;
    }
    {
        int32_t n_vocab = sea_tokenizer_n_vocab(tok), bos = sea_tokenizer_bos(tok), eos = sea_tokenizer_eos(tok);
        int32_t ids[MAX_IDS_DECODED + 1];
        size_t n_ids = 0;
        sea_err e2;
        char *text = NULL;
        size_t len;
        if (n_vocab < 1) fz_fail("tokenizer", "n_vocab < 1");
        if (bos < -1 || bos >= n_vocab || eos < -1 || eos >= n_vocab) fz_fail("tokenizer", "bos/eos out of range");
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) encode_decode(tok, texts[i], strlen(texts[i]));
        for (int32_t id = 0; id < n_vocab && n_ids < MAX_IDS_DECODED; id++) {
            size_t pl;
            const char *piece = sea_tokenizer_piece(tok, id, &pl);
            ids[n_ids++] = id;
            if (piece && sea_tokenizer_token_id(tok, piece, pl) < 0) fz_fail("tokenizer", "a piece is not found by its string");
            if (piece && id < 64) encode_decode(tok, piece, pl);
            (void)sea_tokenizer_is_special(tok, id);
        }
        decode_both(tok, ids, n_ids);
        /* ids outside [0, n_vocab) are refused */
        ids[0] = n_vocab;
        st = sea_detokenize(tok, ids, 1, 0, &text, &len, &e2);
        if (st == SEA_OK) fz_fail("sea_detokenize", "accepted an id >= n_vocab");
        fz_check_status(st, &e2, "sea_detokenize");
        ids[0] = -1;
        st = sea_detokenize(tok, ids, 1, 0, &text, &len, &e2);
        if (st == SEA_OK) fz_fail("sea_detokenize", "accepted a negative id");
    }
    sea_tokenizer_close(tok);
    return 0;
}
