/* src/tokenizer/decode.c: ids -> text through the decoder chain, exactly as Hugging Face
 * `tokenizers` decode does (each decoder maps a list of strings to a list of strings; the
 * result is their concatenation; without a decoder the tokens are joined with " "), and the
 * streaming decoder used while generating.
 *
 * Replacement characters: ByteFallback turns a run of <0xNN> tokens that is not valid UTF-8
 * into one U+FFFD per byte; ByteLevel turns bytes into text with Rust's from_utf8_lossy (one
 * U+FFFD per maximal ill-formed subsequence). Both are reproduced. */
#include <string.h>

#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* A list of strings stored back to back in one buffer. */
typedef struct slist {
    sea_buf text;
    size_t *off, *len;
    size_t n, cap;
} slist;

static void slist_free(slist *l)
{
    sea__buf_free(&l->text);
    sea__free(l->off);
    sea__free(l->len);
    memset(l, 0, sizeof *l);
}

/* Start a new (empty) string at the end of the list. */
static int slist_open(slist *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        size_t *o = sea__realloc(l->off, cap * sizeof *o), *n;
        if (!o) return -1;
        l->off = o;
        n = sea__realloc(l->len, cap * sizeof *n);
        if (!n) return -1;
        l->len = n;
        l->cap = cap;
    }
    l->off[l->n] = l->text.len;
    l->len[l->n] = 0;
    l->n++;
    return 0;
}

/* Append bytes to the last string. */
static int slist_add(slist *l, const void *s, size_t n)
{
    if (sea__buf_append(&l->text, s, n)) return -1;
    l->len[l->n - 1] += n;
    return 0;
}

static int slist_push(slist *l, const void *s, size_t n)
{
    return slist_open(l) || slist_add(l, s, n);
}

/* "" for a list whose strings are all empty: text.data is then still NULL, and NULL + 0 is
 * undefined behaviour (found by fuzz_tokenize under clang's UBSan) */
#define STR(l, i) ((l)->text.data ? (l)->text.data + (l)->off[i] : "")

/* Inverse of the GPT-2 byte-to-character map: code point -> byte, or -1. */
static int char_byte(uint32_t cp)
{
    static int16_t inv[0x144];
    static int ready;
    if (cp >= 0x144) return -1;
    if (!ready) { /* idempotent, so concurrent first calls agree */
        int n = 0;
        for (int i = 0; i < 0x144; i++) inv[i] = -1;
        for (int c = 0; c < 256; c++) {
            int printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE);
            inv[printable ? c : 256 + n++] = (int16_t)c;
        }
        ready = 1;
    }
    return inv[cp];
}

/* Rust u8::from_str_radix(s, 16) on two characters ("+F" is accepted, as in Rust). */
static int hex2(const char *s)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) {
            if (i == 0 && c == '+') continue;
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

static int replace_into(slist *out, const char *s, size_t n, const char *pat, size_t pl, const char *rep, size_t rl)
{
    size_t i = 0, from = 0;
    if (slist_open(out)) return -1;
    while (i + pl <= n) {
        if (memcmp(s + i, pat, pl) == 0) {
            if (slist_add(out, s + from, i - from) || slist_add(out, rep, rl)) return -1;
            i += pl;
            from = i;
        } else {
            i++;
        }
    }
    return slist_add(out, s + from, n - from);
}

/* Lossy UTF-8 (Rust String::from_utf8_lossy) of b[0..n), appended to the open string. */
static int lossy_into(slist *out, const unsigned char *b, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t ok = sea__utf8_valid_prefix(b + i, n - i);
        if (slist_add(out, b + i, ok)) return -1;
        i += ok;
        if (i < n) {
            if (slist_add(out, REPLACEMENT, 3)) return -1;
            i += sea__utf8_invalid_len(b + i, n - i);
        }
    }
    return 0;
}

static int flush_bytes(slist *out, const unsigned char *b, size_t n)
{
    if (n == 0) return 0;
    if (sea__utf8_valid_prefix(b, n) == n) return slist_push(out, b, n);
    for (size_t i = 0; i < n; i++)
        if (slist_push(out, REPLACEMENT, 3)) return -1;
    return 0;
}

/* One decoder step: in -> out (out starts empty). */
static int apply_step(const sea_tokenizer *tok, const tok_dec *d, const slist *in, slist *out)
{
    switch (d->kind) {
    case DEC_REPLACE:
        for (size_t i = 0; i < in->n; i++)
            if (replace_into(out, STR(in, i), in->len[i], tok_str(tok, d->a_off), d->a_len, tok_str(tok, d->b_off), d->b_len))
                return -1;
        return 0;
    case DEC_BYTEFALLBACK: {
        sea_buf bytes;
        int rc = 0;
        sea__buf_init(&bytes);
        for (size_t i = 0; i < in->n && rc == 0; i++) {
            const char *s = STR(in, i);
            int b = -1;
            if (in->len[i] == 6 && memcmp(s, "<0x", 3) == 0 && s[5] == '>') b = hex2(s + 3);
            if (b >= 0) {
                rc = sea__buf_putc(&bytes, (char)b);
            } else {
                rc = flush_bytes(out, (const unsigned char *)bytes.data, bytes.len);
                bytes.len = 0;
                if (rc == 0) rc = slist_push(out, s, in->len[i]);
            }
        }
        if (rc == 0) rc = flush_bytes(out, (const unsigned char *)bytes.data, bytes.len);
        sea__buf_free(&bytes);
        return rc;
    }
    case DEC_FUSE:
        if (slist_open(out)) return -1;
        for (size_t i = 0; i < in->n; i++)
            if (slist_add(out, STR(in, i), in->len[i])) return -1;
        return 0;
    case DEC_STRIP: {
        const char *c = tok_str(tok, d->a_off);
        size_t cl = d->a_len;
        for (size_t i = 0; i < in->n; i++) {
            const char *s = STR(in, i);
            size_t lo = 0, hi = in->len[i];
            for (uint32_t k = 0; k < d->start && hi - lo >= cl && memcmp(s + lo, c, cl) == 0; k++) lo += cl;
            /* HF would panic when the cuts cross; keep the empty string instead */
            for (uint32_t k = 0; k < d->stop && hi - lo >= cl && memcmp(s + hi - cl, c, cl) == 0; k++) hi -= cl;
            if (slist_push(out, s + lo, hi - lo)) return -1;
        }
        return 0;
    }
    case DEC_BYTELEVEL: {
        sea_buf bytes;
        int rc = 0;
        sea__buf_init(&bytes);
        for (size_t i = 0; i < in->n && rc == 0; i++) {
            const unsigned char *s = (const unsigned char *)STR(in, i);
            size_t n = in->len[i], start = bytes.len, j = 0;
            int mapped = 1;
            while (j < n && rc == 0) {
                uint32_t cp;
                int b;
                j += sea__utf8_next(s + j, n - j, &cp);
                if ((b = char_byte(cp)) < 0) {
                    mapped = 0;
                    break;
                }
                rc = sea__buf_putc(&bytes, (char)b);
            }
            if (rc == 0 && !mapped) {
                /* a character outside the map: the token's own bytes are used, as in HF */
                bytes.len = start;
                rc = sea__buf_append(&bytes, s, n);
            }
        }
        if (rc == 0) rc = slist_open(out);
        if (rc == 0) rc = lossy_into(out, (const unsigned char *)bytes.data, bytes.len);
        sea__buf_free(&bytes);
        return rc;
    }
    case DEC_METASPACE: {
        const char *r = tok_str(tok, d->a_off);
        size_t rl = d->a_len;
        for (size_t i = 0; i < in->n; i++) {
            const char *s = STR(in, i);
            size_t n = in->len[i], j = 0;
            if (slist_open(out)) return -1;
            while (j < n) {
                if (j + rl <= n && memcmp(s + j, r, rl) == 0) {
                    if (!(i == 0 && d->prepend) && slist_add(out, " ", 1)) return -1;
                    j += rl;
                } else {
                    size_t cl = sea__utf8_len((unsigned char)s[j]);
                    if (cl > n - j) cl = n - j;
                    if (slist_add(out, s + j, cl)) return -1;
                    j += cl;
                }
            }
        }
        return 0;
    }
    }
    return -1;
}

/* Decode ids[0..n) into out (appended). */
static sea_status decode_into(const sea_tokenizer *tok, const int32_t *ids, size_t n, int skip_special, sea_buf *out,
                              sea_err *err)
{
    slist a, b;
    slist *cur = &a, *nxt = &b;
    sea_status st = SEA_OK;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < n; i++) {
        int32_t id = ids[i];
        if (id < 0 || id >= tok->n_ids) {
            slist_free(&a);
            return sea__err(err, SEA_ERR_ARG, "token id %d at position %zu is outside [0, %d)", id, i, tok->n_ids);
        }
        if (!(tok->id_flags[id] & (TOK_IN_VOCAB | TOK_ADDED))) continue; /* no token: skipped, as HF */
        if (skip_special && (tok->id_flags[id] & TOK_SPECIAL)) continue;
        if (slist_push(&a, tok_str(tok, tok->piece_off[id]), tok->piece_len[id])) {
            st = sea__err_nomem(err, "decoded text");
            goto done;
        }
    }
    if (tok->has_decoder) {
        for (size_t k = 0; k < tok->n_dec; k++) {
            slist *t;
            slist_free(nxt);
            if (apply_step(tok, &tok->dec[k], cur, nxt)) {
                st = sea__err_nomem(err, "decoded text");
                goto done;
            }
            t = cur;
            cur = nxt;
            nxt = t;
        }
        for (size_t i = 0; i < cur->n; i++)
            if (sea__buf_append(out, STR(cur, i), cur->len[i])) st = sea__err_nomem(err, "decoded text");
    } else {
        for (size_t i = 0; i < cur->n; i++)
            if ((i && sea__buf_putc(out, ' ')) || sea__buf_append(out, STR(cur, i), cur->len[i]))
                st = sea__err_nomem(err, "decoded text");
    }
done:
    slist_free(&a);
    slist_free(&b);
    return st;
}

sea_status sea_detokenize(const sea_tokenizer *tok, const int32_t *ids, size_t n, int skip_special, char **text,
                          size_t *len, sea_err *err)
{
    sea_buf out;
    sea_status st;
    if (!tok || !text || (!ids && n)) return sea__err(err, SEA_ERR_ARG, "sea_detokenize: NULL argument");
    *text = NULL;
    if (len) *len = 0;
    sea__buf_init(&out);
    st = decode_into(tok, ids, n, skip_special, &out, err);
    if (st == SEA_OK && sea__buf_reserve(&out, 0)) st = sea__err_nomem(err, "decoded text");
    if (st != SEA_OK) {
        sea__buf_free(&out);
        return st;
    }
    out.data[out.len] = '\0';
    *text = out.data;
    if (len) *len = out.len;
    return SEA_OK;
}

/* ---- streaming ----
 * The window method of text-generation-inference: decode ids[prefix..read) and ids[prefix..]
 * and print what the longer one adds, unless it ends in U+FFFD (bytes still to come). The
 * window's first token gets the decoder's first-token rules in both decodes, so what is added
 * equals what a whole-sequence decode would add. */
struct sea_detok_stream {
    const sea_tokenizer *tok;
    int skip_special;
    tok_ids ids;
    size_t prefix, read;
    size_t emitted_total;
    sea_buf a, b, out;
};

sea_status sea_detok_stream_new_ex(sea_detok_stream **out, const sea_tokenizer *tok, int skip_special, sea_err *err)
{
    sea_detok_stream *s;
    if (!out || !tok) return sea__err(err, SEA_ERR_ARG, "sea_detok_stream_new: NULL argument");
    *out = NULL;
    s = sea__calloc(1, sizeof *s);
    if (!s) return sea__err_nomem(err, "streaming decoder");
    s->tok = tok;
    s->skip_special = skip_special;
    sea__buf_init(&s->a);
    sea__buf_init(&s->b);
    sea__buf_init(&s->out);
    *out = s;
    return SEA_OK;
}

sea_status sea_detok_stream_new(sea_detok_stream **out, const sea_tokenizer *tok, sea_err *err)
{
    return sea_detok_stream_new_ex(out, tok, 1, err);
}

void sea_detok_stream_free(sea_detok_stream *s)
{
    if (!s) return;
    sea__free(s->ids.v);
    sea__buf_free(&s->a);
    sea__buf_free(&s->b);
    sea__buf_free(&s->out);
    sea__free(s);
}

/* Decode the window twice; on success a = ids[prefix..read), b = ids[prefix..]. */
static sea_status window(sea_detok_stream *s, sea_err *err)
{
    sea_status st;
    s->a.len = s->b.len = 0;
    st = decode_into(s->tok, s->ids.v + s->prefix, s->read - s->prefix, s->skip_special, &s->a, err);
    if (st == SEA_OK) st = decode_into(s->tok, s->ids.v + s->prefix, s->ids.n - s->prefix, s->skip_special, &s->b, err);
    return st;
}

static int ends_replacement(const sea_buf *b)
{
    return b->len >= 3 && memcmp(b->data + b->len - 3, REPLACEMENT, 3) == 0;
}

sea_status sea_detok_stream_push(sea_detok_stream *s, int32_t id, const char **bytes, size_t *n, sea_err *err)
{
    sea_status st;
    if (!s || !bytes || !n) return sea__err(err, SEA_ERR_ARG, "sea_detok_stream_push: NULL argument");
    *bytes = "";
    *n = 0;
    if (id < 0 || id >= s->tok->n_ids)
        return sea__err(err, SEA_ERR_ARG, "token id %d is outside [0, %d)", id, s->tok->n_ids);
    if (sea__tok_ids_push(&s->ids, id)) return sea__err_nomem(err, "streaming decoder");
    if ((st = window(s, err)) != SEA_OK) return st;
    if (s->b.len > s->a.len && !ends_replacement(&s->b) && memcmp(s->a.data ? s->a.data : "", s->b.data, s->a.len) == 0) {
        s->out.len = 0;
        if (sea__buf_append(&s->out, s->b.data + s->a.len, s->b.len - s->a.len))
            return sea__err_nomem(err, "streaming decoder");
        s->prefix = s->read;
        s->read = s->ids.n;
        *bytes = s->out.data;
        *n = s->out.len;
    }
    return SEA_OK;
}

sea_status sea_detok_stream_flush(sea_detok_stream *s, const char **bytes, size_t *n)
{
    size_t common = 0;
    if (!bytes || !n) return SEA_ERR_ARG;
    *bytes = "";
    *n = 0;
    if (!s || s->ids.n == 0) return SEA_OK;
    if (window(s, NULL) != SEA_OK) return SEA_ERR_NOMEM;
    /* what b adds beyond a; if a is not a prefix of b, from the last character both share */
    while (common < s->a.len && common < s->b.len && s->a.data[common] == s->b.data[common]) common++;
    if (common < s->a.len)
        while (common > 0 && (s->b.data[common] & 0xC0) == 0x80) common--;
    s->out.len = 0;
    if (s->b.len > common && sea__buf_append(&s->out, s->b.data + common, s->b.len - common)) return SEA_ERR_NOMEM;
    s->prefix = s->read = s->ids.n;
    *bytes = s->out.data ? s->out.data : "";
    *n = s->out.len;
    return SEA_OK;
}
