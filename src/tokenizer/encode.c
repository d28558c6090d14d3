/* src/tokenizer/encode.c: text -> ids, in Hugging Face `tokenizers` order:
 *   1. added tokens with normalized == false are found in the raw text (leftmost-longest,
 *      honouring single_word, lstrip, rstrip) and split it into segments;
 *   2. each plain segment is normalized on its own (so Llama-2's Prepend("▁") applies after
 *      every added token too), then searched for added tokens with normalized == true;
 *   3. the remaining text is pre-tokenized into pieces and each piece goes through BPE;
 *   4. with add_special, the post-processor's tokens (e.g. BOS) go around the result. */
#include <string.h>

#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

static int segs_push(tok_segs *s, size_t start, size_t end, int32_t added)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        tok_seg *v = sea__realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].start = start;
    s->v[s->n].end = end;
    s->v[s->n].added = added;
    s->n++;
    return 0;
}

static unsigned flags_before(const unsigned char *s, size_t end)
{
    uint32_t cp;
    size_t p = sea__utf8_prev(s, end);
    sea__utf8_next(s + p, end - p, &cp);
    return sea__uc_flags(cp);
}

static unsigned flags_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    uint32_t cp;
    *len = sea__utf8_next(s + i, n - i, &cp);
    return sea__uc_flags(cp);
}

/* HF AddedVocabulary::find_matches: segments covering s[0..n). */
static int split_added(const sea_tokenizer *tok, const tok_trie *trie, const char *s, size_t n, tok_segs *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start_offset = 0, i = 0, l;
    out->n = 0;
    if (trie->n_patterns == 0 || n == 0) return segs_push(out, 0, n, -1);
    while (i < n) {
        int32_t idx;
        size_t m = sea__tok_trie_longest(trie, s + i, n - i, &idx), start = i, stop = i + m;
        const tok_added *a;
        if (m == 0) {
            i++;
            continue;
        }
        i = stop; /* the search goes on after the match, whatever happens to it below */
        a = &tok->added[idx];
        if (a->single_word) {
            int start_space = start == 0 || !(flags_before(u, start) & SEA_UC_WORD);
            int stop_space = stop == n || !(flags_at(u, n, stop, &l) & SEA_UC_WORD);
            if (!start_space || !stop_space) continue;
        }
        if (a->lstrip) {
            size_t j = start;
            while (j > 0 && (flags_before(u, j) & SEA_UC_WS)) j = sea__utf8_prev(u, j);
            start = j > start_offset ? j : start_offset;
        }
        if (a->rstrip)
            while (stop < n && (flags_at(u, n, stop, &l) & SEA_UC_WS)) stop += l;
        if (start_offset < start && segs_push(out, start_offset, start, -1)) return -1;
        if (segs_push(out, start, stop, idx)) return -1;
        start_offset = stop;
    }
    if (start_offset != n && segs_push(out, start_offset, n, -1)) return -1;
    return 0;
}

typedef struct encoder {
    sea_buf work;
    tok_segs segs, segs2;
    tok_pieces pieces;
    tok_bpe_work bpe;
    tok_ids ids;
} encoder;

static void encoder_free(encoder *e)
{
    sea__buf_free(&e->work);
    sea__free(e->segs.v);
    sea__free(e->segs2.v);
    sea__free(e->pieces.v);
    sea__tok_bpe_work_free(&e->bpe);
}

/* Steps 2 and 3 for one plain segment of the raw text. */
static sea_status encode_segment(const sea_tokenizer *tok, encoder *e, const char *s, size_t n, int at_start,
                                 int naive, sea_err *err)
{
    size_t prefix;
    e->work.len = 0;
    {
        int r = sea__tok_normalize(tok, s, n, &e->work, &prefix);
        if (r == -2)
            return sea__err(err, SEA_ERR_UNSUPPORTED,
                            "the tokenizer's NFC normalizer: text beyond U+02FF other than punctuation and currency signs "
                            "(combining marks, non-Latin scripts) is not implemented");
        if (r != 0) return sea__err_nomem(err, "normalized text");
    }
    if (split_added(tok, &tok->trie_norm, e->work.data ? e->work.data : "", e->work.len, &e->segs2) != 0)
        return sea__err_nomem(err, "text segments");
    for (size_t k = 0; k < e->segs2.n; k++) {
        const tok_seg *sg = &e->segs2.v[k];
        if (sg->added >= 0) {
            if (sea__tok_ids_push(&e->ids, tok->added[sg->added].id)) return sea__err_nomem(err, "token ids");
            continue;
        }
        e->pieces.n = 0;
        if (sea__tok_pretokenize(tok, &e->work, sg->start, sg->end - sg->start, at_start && sg->start <= prefix,
                            &e->pieces) != 0)
            return sea__err_nomem(err, "pre-tokenized text");
        for (size_t p = 0; p < e->pieces.n; p++) {
            const char *ps = e->work.data + e->pieces.v[p].off;
            sea_status st = naive ? sea__tok_bpe_naive(tok, ps, e->pieces.v[p].len, &e->ids, err)
                                  : sea__tok_bpe(tok, ps, e->pieces.v[p].len, &e->bpe, &e->ids, err);
            if (st != SEA_OK) return st;
        }
    }
    return SEA_OK;
}

sea_status sea__tok_encode(const sea_tokenizer *tok, const char *text, size_t len, int add_special, int naive,
                      int32_t **ids, size_t *n_ids, sea_err *err)
{
    encoder e;
    sea_status st = SEA_OK;
    size_t valid;
    if (!ids || !n_ids || !tok || (!text && len)) return sea__err(err, SEA_ERR_ARG, "sea_tokenize: NULL argument");
    *ids = NULL;
    *n_ids = 0;
    if (!text) text = "";
    if (len >= TOK_MAX_TEXT) return sea__err(err, SEA_ERR_LIMIT, "text of %zu bytes is longer than the limit of %zu", len, TOK_MAX_TEXT);
    valid = sea__utf8_valid_prefix((const unsigned char *)text, len);
    if (valid != len)
        return sea__err(err, SEA_ERR_FORMAT, "text is not valid UTF-8 at byte %zu (0x%02X)", valid,
                        (unsigned char)text[valid]);
    memset(&e, 0, sizeof e);
    sea__buf_init(&e.work);
    if (add_special)
        for (size_t i = 0; i < tok->n_tmpl_pre && st == SEA_OK; i++)
            if (sea__tok_ids_push(&e.ids, tok->tmpl_pre[i])) st = sea__err_nomem(err, "token ids");
    if (st == SEA_OK && split_added(tok, &tok->trie_raw, text, len, &e.segs) != 0) st = sea__err_nomem(err, "text segments");
    for (size_t k = 0; k < e.segs.n && st == SEA_OK; k++) {
        const tok_seg *sg = &e.segs.v[k];
        if (sg->added >= 0) {
            if (sea__tok_ids_push(&e.ids, tok->added[sg->added].id)) st = sea__err_nomem(err, "token ids");
        } else {
            st = encode_segment(tok, &e, text + sg->start, sg->end - sg->start, sg->start == 0, naive, err);
        }
    }
    if (add_special)
        for (size_t i = 0; i < tok->n_tmpl_post && st == SEA_OK; i++)
            if (sea__tok_ids_push(&e.ids, tok->tmpl_post[i])) st = sea__err_nomem(err, "token ids");
    if (st == SEA_OK && !e.ids.v && !(e.ids.v = sea__malloc(sizeof *e.ids.v))) st = sea__err_nomem(err, "token ids");
    if (st == SEA_OK) {
        *ids = e.ids.v;
        *n_ids = e.ids.n;
        e.ids.v = NULL;
    }
    sea__free(e.ids.v);
    encoder_free(&e);
    return st;
}

sea_status sea_tokenize(const sea_tokenizer *tok, const char *text, size_t len, int add_special, int32_t **ids,
                        size_t *n_ids, sea_err *err)
{
    return sea__tok_encode(tok, text, len, add_special, 0, ids, n_ids, err);
}

int32_t sea_tokenizer_n_vocab(const sea_tokenizer *tok) { return tok ? tok->n_ids : 0; }
int32_t sea_tokenizer_bos(const sea_tokenizer *tok) { return tok ? tok->bos : -1; }
int32_t sea_tokenizer_eos(const sea_tokenizer *tok) { return tok ? tok->eos : -1; }
int sea_tokenizer_add_bos(const sea_tokenizer *tok) { return tok ? tok->add_bos : 0; }

const char *sea_tokenizer_piece(const sea_tokenizer *tok, int32_t id, size_t *len)
{
    if (len) *len = 0;
    if (!tok || id < 0 || id >= tok->n_ids || !(tok->id_flags[id] & (TOK_IN_VOCAB | TOK_ADDED))) return NULL;
    if (len) *len = tok->piece_len[id];
    return tok_str(tok, tok->piece_off[id]);
}

int32_t sea_tokenizer_token_id(const sea_tokenizer *tok, const char *s, size_t len)
{
    if (!tok || !s) return -1;
    return sea__tok_token_to_id(tok, s, len);
}

int sea_tokenizer_is_special(const sea_tokenizer *tok, int32_t id)
{
    return tok && id >= 0 && id < tok->n_ids && (tok->id_flags[id] & TOK_SPECIAL) != 0;
}
