/* tests/check_tokenizer_util.h: helpers for the tokenizer suites: reading the golden JSON Lines,
 * building small tokenizer.json files for unit tests, and showing encodings as token strings. */
#ifndef SEA_CHECK_TOKENIZER_UTIL_H
#define SEA_CHECK_TOKENIZER_UTIL_H

#include "testutil.h"
#include "core/internal.h"
#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

/* ---- golden files: {"text", "ids", "ids_special", "decoded"} per line ---- */
typedef struct golden_line {
    const char *text;
    size_t text_len;
    int32_t *ids, *ids_special;
    size_t n_ids, n_special;
    const char *decoded;
    size_t decoded_len;
} golden_line;

typedef struct golden {
    sea_json_doc **docs;
    golden_line *lines;
    size_t n;
} golden;

static inline int32_t *golden_ids(const sea_json *arr, size_t *n)
{
    int32_t *v;
    ck_assert_ptr_nonnull(arr);
    ck_assert_int_eq(arr->type, SEA_JSON_ARRAY);
    v = malloc((arr->v.arr.n + 1) * sizeof *v);
    for (size_t i = 0; i < arr->v.arr.n; i++) v[i] = (int32_t)arr->v.arr.items[i].v.num.i;
    *n = arr->v.arr.n;
    return v;
}

static inline void golden_load(golden *g, const char *path)
{
    char *text, *p;
    size_t len, cap = 0;
    sea_err err;
    memset(g, 0, sizeof *g);
    ck_assert_msg(sea__read_file(&text, &len, path, (size_t)64 << 20, &err) == SEA_OK, "%s", err.msg);
    for (p = text; p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        sea_json_doc *doc;
        const sea_json *r;
        golden_line *gl;
        if (l > 0) {
            ck_assert_msg(sea_json_parse(&doc, p, l, NULL, &err) == SEA_OK, "%s line %zu: %s", path, g->n + 1, err.msg);
            if (g->n == cap) {
                cap = cap ? cap * 2 : 1024;
                g->lines = realloc(g->lines, cap * sizeof *g->lines);
                g->docs = realloc(g->docs, cap * sizeof *g->docs);
            }
            r = sea_json_root(doc);
            gl = &g->lines[g->n];
            gl->text = sea_json_get(r, "text")->v.str.s;
            gl->text_len = sea_json_get(r, "text")->v.str.len;
            gl->decoded = sea_json_get(r, "decoded")->v.str.s;
            gl->decoded_len = sea_json_get(r, "decoded")->v.str.len;
            gl->ids = golden_ids(sea_json_get(r, "ids"), &gl->n_ids);
            gl->ids_special = golden_ids(sea_json_get(r, "ids_special"), &gl->n_special);
            g->docs[g->n++] = doc;
        }
        p += l + 1;
    }
    sea__free(text);
}

static inline void golden_free(golden *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->lines[i].ids);
        free(g->lines[i].ids_special);
        sea_json_free(g->docs[i]);
    }
    free(g->lines);
    free(g->docs);
}

static inline void print_ids(const char *what, const int32_t *v, size_t n)
{
    fprintf(stderr, "  %s:", what);
    for (size_t i = 0; i < n && i < 40; i++) fprintf(stderr, " %d", v[i]);
    fprintf(stderr, "%s\n", n > 40 ? " ..." : "");
}

/* Check every golden line: ids, ids_special, decode of ids. Returns the mismatch count. */
static inline size_t golden_check(const sea_tokenizer *tok, const golden *g)
{
    size_t bad = 0;
    for (size_t i = 0; i < g->n; i++) {
        const golden_line *gl = &g->lines[i];
        for (int sp = 0; sp < 2; sp++) {
            int32_t *ids = NULL;
            size_t n = 0;
            sea_err err;
            const int32_t *want = sp ? gl->ids_special : gl->ids;
            size_t nw = sp ? gl->n_special : gl->n_ids;
            ck_assert_msg(sea_tokenize(tok, gl->text, gl->text_len, sp, &ids, &n, &err) == SEA_OK, "line %zu: %s", i + 1,
                          err.msg);
            if (n != nw || memcmp(ids, want, n * sizeof *ids) != 0) {
                if (bad++ < 5) {
                    fprintf(stderr, "line %zu (add_special=%d) text '%.80s'\n", i + 1, sp, gl->text);
                    print_ids("got ", ids, n);
                    print_ids("want", want, nw);
                }
            }
            sea_free(ids);
        }
        {
            char *text;
            size_t len;
            sea_err err;
            ck_assert_msg(sea_detokenize(tok, gl->ids, gl->n_ids, 0, &text, &len, &err) == SEA_OK, "%s", err.msg);
            if (len != gl->decoded_len || memcmp(text, gl->decoded, len) != 0)
                if (bad++ < 5) fprintf(stderr, "line %zu decoded '%s', want '%s'\n", i + 1, text, gl->decoded);
            sea_free(text);
        }
    }
    return bad;
}

/* Streaming decode of ids (one push per id, then flush) must equal the whole decode, and no
 * piece it hands out may split a UTF-8 character. Returns 0 if so. */
static inline int stream_matches(const sea_tokenizer *tok, const int32_t *ids, size_t n, int skip_special)
{
    sea_detok_stream *s;
    sea_buf acc;
    char *whole;
    size_t wl;
    const char *b;
    size_t bn;
    int ok;
    sea_err err;
    ck_assert(sea_detok_stream_new_ex(&s, tok, skip_special, &err) == SEA_OK);
    sea__buf_init(&acc);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(sea_detok_stream_push(s, ids[i], &b, &bn, &err) == SEA_OK, "%s", err.msg);
        ck_assert_msg(sea__utf8_valid_prefix((const unsigned char *)b, bn) == bn, "stream piece is not whole UTF-8");
        sea__buf_append(&acc, b, bn);
    }
    ck_assert(sea_detok_stream_flush(s, &b, &bn) == SEA_OK);
    ck_assert(sea__utf8_valid_prefix((const unsigned char *)b, bn) == bn);
    sea__buf_append(&acc, b, bn);
    ck_assert(sea_detokenize(tok, ids, n, skip_special, &whole, &wl, &err) == SEA_OK);
    ok = acc.len == wl && (wl == 0 || memcmp(acc.data, whole, wl) == 0);
    if (!ok) fprintf(stderr, "stream '%s' vs whole '%s'\n", sea__buf_cstr(&acc), whole);
    sea_free(whole);
    sea__buf_free(&acc);
    sea_detok_stream_free(s);
    return ok ? 0 : 1;
}

/* "piece|piece|..." of an encoding (the raw token strings). */
static inline char *pieces_of(const sea_tokenizer *tok, const char *text, int add_special)
{
    int32_t *ids;
    size_t n;
    sea_err err;
    sea_buf b;
    ck_assert_msg(sea_tokenize(tok, text, strlen(text), add_special, &ids, &n, &err) == SEA_OK, "%s", err.msg);
    sea__buf_init(&b);
    sea__buf_putc(&b, '\0');
    b.len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const char *p = sea_tokenizer_piece(tok, ids[i], &l);
        if (i) sea__buf_putc(&b, '|');
        sea__buf_append(&b, p, l);
    }
    sea_free(ids);
    return b.data;
}

#endif /* SEA_CHECK_TOKENIZER_UTIL_H */
