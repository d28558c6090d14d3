/* src/tokenizer/bpe.c: the BPE model of Hugging Face `tokenizers` (models/bpe): one piece of
 * text becomes one symbol per character (vocab lookup, else <0xNN> byte tokens with
 * byte_fallback, else the unknown token, fused when fuse_unk), then pairs are merged in order of
 * merge rank, leftmost first on ties.
 *
 * The merge loop keeps every mergeable adjacent pair in a binary min-heap keyed by
 * (rank, position) and skips entries made stale by earlier merges, exactly as HF's
 * Word::merge_all does: O(n log n) in the piece length. tok_bpe_naive is the textbook
 * quadratic loop (rescan for the best pair after every merge), kept as an oracle for the tests
 * and as the benchmark's baseline; both give the same ids. */
#include <string.h>

#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

int sea__tok_ids_push(tok_ids *a, int32_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        int32_t *v = sea__realloc(a->v, cap * sizeof *v);
        if (!v) return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

void sea__tok_bpe_work_free(tok_bpe_work *w)
{
    sea__free(w->id);
    sea__free(w->len);
    sea__free(w->prev);
    sea__free(w->next);
    sea__free(w->heap_key);
    sea__free(w->heap_new);
    sea__free(w->heap_pair);
    memset(w, 0, sizeof *w);
}

static int work_reserve(tok_bpe_work *w, size_t n)
{
    size_t heap;
    if (n > w->cap) {
        size_t cap = n < 256 ? 256 : n;
        int32_t *id = sea__realloc(w->id, cap * sizeof *id);
        if (id) w->id = id;
        uint32_t *len = sea__realloc(w->len, cap * sizeof *len);
        if (len) w->len = len;
        int32_t *prev = sea__realloc(w->prev, cap * sizeof *prev);
        if (prev) w->prev = prev;
        int32_t *next = sea__realloc(w->next, cap * sizeof *next);
        if (next) w->next = next;
        if (!id || !len || !prev || !next) return -1;
        w->cap = cap;
    }
    /* n - 1 initial pairs; the heap grows later if merges push more (heap_push) */
    heap = n < 256 ? 256 : n;
    if (heap > w->heap_cap) {
        uint64_t *k = sea__realloc(w->heap_key, heap * sizeof *k);
        if (k) w->heap_key = k;
        int32_t *nw = sea__realloc(w->heap_new, heap * sizeof *nw);
        if (nw) w->heap_new = nw;
        int32_t *pr = sea__realloc(w->heap_pair, 2 * heap * sizeof *pr);
        if (pr) w->heap_pair = pr;
        if (!k || !nw || !pr) return -1;
        w->heap_cap = heap;
    }
    return 0;
}

static void add_symbol(tok_bpe_work *w, int32_t id, uint32_t len)
{
    size_t i = w->n++;
    w->id[i] = id;
    w->len[i] = len;
    w->prev[i] = (int32_t)i - 1;
    w->next[i] = -1;
    if (i > 0) w->next[i - 1] = (int32_t)i;
}

/* Vocab id of the one-character string s[0..clen). */
static int32_t char_id(const sea_tokenizer *tok, const char *s, size_t clen)
{
    uint32_t cp;
    sea__utf8_next((const unsigned char *)s, clen, &cp);
    if (cp < TOK_CP_CACHE) return tok->cp_ids[cp];
    return sea__tok_strmap_get(&tok->vocab, tok->arena, s, clen);
}

/* HF BPE::merge_word without the merges: one symbol per character. */
static sea_status build_symbols(const sea_tokenizer *tok, const char *s, size_t n,
                                tok_bpe_work *w, sea_err *err)
{
    uint32_t unk_len = 0; /* pending unknown symbol (0: none) */
    w->n = 0;
    if (n >= TOK_MAX_TEXT) return sea__err(err, SEA_ERR_LIMIT, "text piece of %zu bytes is too long", n);
    /* byte fallback can turn one character into up to 4 symbols */
    if (work_reserve(w, n) != 0) return sea__err_nomem(err, "BPE symbols");
    for (size_t i = 0; i < n;) {
        size_t clen = sea__utf8_len((unsigned char)s[i]);
        int32_t id;
        if (clen > n - i) clen = n - i;
        id = char_id(tok, s + i, clen);
        if (id >= 0) {
            if (unk_len) { add_symbol(w, tok->unk_id, unk_len); unk_len = 0; }
            add_symbol(w, id, (uint32_t)clen);
        } else {
            int all = tok->byte_fallback;
            for (size_t k = 0; all && k < clen; k++)
                if (tok->byte_ids[(unsigned char)s[i + k]] < 0) all = 0;
            if (all) {
                /* as HF: a pending unknown symbol is not flushed first, so it lands after these */
                for (size_t k = 0; k < clen; k++) add_symbol(w, tok->byte_ids[(unsigned char)s[i + k]], 1);
            } else if (tok->unk_id == -2) {
                return sea__err(err, SEA_ERR_FORMAT,
                                "character at byte %zu is not in the vocab and unk_token '%s' is not either",
                                i, tok->unk_name);
            } else if (tok->unk_id >= 0) {
                if (unk_len && tok->fuse_unk) {
                    unk_len += (uint32_t)clen;
                } else {
                    if (unk_len) add_symbol(w, tok->unk_id, unk_len);
                    unk_len = (uint32_t)clen;
                }
            }
            /* no unk_token: HF drops the character */
        }
        i += clen;
    }
    if (unk_len) add_symbol(w, tok->unk_id, unk_len);
    return SEA_OK;
}

static int heap_push(tok_bpe_work *w, uint64_t key, int32_t new_id, int32_t left, int32_t right)
{
    size_t i;
    if (w->heap_n == w->heap_cap) {
        size_t cap = w->heap_cap * 2;
        uint64_t *k = sea__realloc(w->heap_key, cap * sizeof *k);
        if (k) w->heap_key = k;
        int32_t *nw = sea__realloc(w->heap_new, cap * sizeof *nw);
        if (nw) w->heap_new = nw;
        int32_t *pr = sea__realloc(w->heap_pair, 2 * cap * sizeof *pr);
        if (pr) w->heap_pair = pr;
        if (!k || !nw || !pr) return -1;
        w->heap_cap = cap;
    }
    i = w->heap_n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (w->heap_key[parent] <= key) break;
        w->heap_key[i] = w->heap_key[parent];
        w->heap_new[i] = w->heap_new[parent];
        w->heap_pair[2 * i] = w->heap_pair[2 * parent];
        w->heap_pair[2 * i + 1] = w->heap_pair[2 * parent + 1];
        i = parent;
    }
    w->heap_key[i] = key;
    w->heap_new[i] = new_id;
    w->heap_pair[2 * i] = left;
    w->heap_pair[2 * i + 1] = right;
    return 0;
}

static void heap_pop(tok_bpe_work *w, uint64_t *key, int32_t *new_id, int32_t *left, int32_t *right)
{
    uint64_t last_key;
    int32_t last_new, last_l, last_r;
    size_t i = 0, n;
    *key = w->heap_key[0];
    *new_id = w->heap_new[0];
    *left = w->heap_pair[0];
    *right = w->heap_pair[1];
    n = --w->heap_n;
    if (n == 0) return;
    last_key = w->heap_key[n];
    last_new = w->heap_new[n];
    last_l = w->heap_pair[2 * n];
    last_r = w->heap_pair[2 * n + 1];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && w->heap_key[c + 1] < w->heap_key[c]) c++;
        if (w->heap_key[c] >= last_key) break;
        w->heap_key[i] = w->heap_key[c];
        w->heap_new[i] = w->heap_new[c];
        w->heap_pair[2 * i] = w->heap_pair[2 * c];
        w->heap_pair[2 * i + 1] = w->heap_pair[2 * c + 1];
        i = c;
    }
    w->heap_key[i] = last_key;
    w->heap_new[i] = last_new;
    w->heap_pair[2 * i] = last_l;
    w->heap_pair[2 * i + 1] = last_r;
}

static int push_pair(const sea_tokenizer *tok, tok_bpe_work *w, int32_t left)
{
    uint32_t rank, new_id;
    int32_t right = w->next[left];
    if (right < 0) return 0;
    if (sea__tok_pairmap_get(&tok->merges, (uint32_t)w->id[left], (uint32_t)w->id[right], &rank, &new_id))
        return heap_push(w, ((uint64_t)rank << 32) | (uint32_t)left, (int32_t)new_id, w->id[left], w->id[right]);
    return 0;
}

/* HF Word::merge_all (without dropout). Returns -1 when out of memory. */
static int merge_heap(const sea_tokenizer *tok, tok_bpe_work *w)
{
    w->heap_n = 0;
    if (!tok->merges.slots) return 0;
    for (size_t i = 0; i + 1 < w->n; i++)
        if (push_pair(tok, w, (int32_t)i)) return -1;
    while (w->heap_n > 0) {
        uint64_t key;
        int32_t new_id, pos, right, pl, pr;
        heap_pop(w, &key, &new_id, &pl, &pr);
        pos = (int32_t)(key & 0xFFFFFFFFu);
        if (w->len[pos] == 0) continue; /* absorbed by its left neighbour */
        right = w->next[pos];
        if (right < 0) continue;
        /* Stale entry: the pair at pos changed since it was queued. HF looks the current pair
         * up and compares the merge result; comparing the two ids is the same test (symbols
         * only grow, and a different pair covering the same bytes would need a symbol to
         * shrink), without a hash lookup. */
        if (w->id[pos] != pl || w->id[right] != pr) continue;
        w->id[pos] = new_id;
        w->len[pos] += w->len[right];
        w->len[right] = 0;
        w->next[pos] = w->next[right];
        if (w->next[right] >= 0) w->prev[w->next[right]] = pos;
        if (w->prev[pos] >= 0 && push_pair(tok, w, w->prev[pos])) return -1;
        if (push_pair(tok, w, pos)) return -1;
    }
    return 0;
}

static sea_status emit(const tok_bpe_work *w, tok_ids *out, sea_err *err)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->len[i] != 0 && sea__tok_ids_push(out, w->id[i]) != 0) return sea__err_nomem(err, "token ids");
    return SEA_OK;
}

sea_status sea__tok_bpe(const sea_tokenizer *tok, const char *s, size_t n, tok_bpe_work *w,
                   tok_ids *out, sea_err *err)
{
    sea_status st;
    if (n == 0) return SEA_OK;
    if (tok->ignore_merges) {
        int32_t id = sea__tok_strmap_get(&tok->vocab, tok->arena, s, n);
        if (id >= 0) return sea__tok_ids_push(out, id) == 0 ? SEA_OK : sea__err_nomem(err, "token ids");
    }
    st = build_symbols(tok, s, n, w, err);
    if (st != SEA_OK) return st;
    if (merge_heap(tok, w)) return sea__err_nomem(err, "BPE merge queue");
    return emit(w, out, err);
}

sea_status sea__tok_bpe_naive(const sea_tokenizer *tok, const char *s, size_t n, tok_ids *out,
                         sea_err *err)
{
    tok_bpe_work w;
    sea_status st;
    size_t m;
    memset(&w, 0, sizeof w);
    if (n == 0) return SEA_OK;
    if (tok->ignore_merges) {
        int32_t id = sea__tok_strmap_get(&tok->vocab, tok->arena, s, n);
        if (id >= 0) return sea__tok_ids_push(out, id) == 0 ? SEA_OK : sea__err_nomem(err, "token ids");
    }
    st = build_symbols(tok, s, n, &w, err);
    if (st != SEA_OK) {
        sea__tok_bpe_work_free(&w);
        return st;
    }
    m = w.n; /* symbols kept packed in w.id[0..m) */
    while (tok->merges.slots) {
        uint32_t best_rank = UINT32_MAX, rank, new_id, best_new = 0;
        size_t best = SIZE_MAX;
        for (size_t i = 0; i + 1 < m; i++)
            if (sea__tok_pairmap_get(&tok->merges, (uint32_t)w.id[i], (uint32_t)w.id[i + 1], &rank, &new_id) &&
                rank < best_rank) {
                best_rank = rank;
                best_new = new_id;
                best = i;
            }
        if (best == SIZE_MAX) break;
        w.id[best] = (int32_t)best_new;
        memmove(w.id + best + 1, w.id + best + 2, (m - best - 2) * sizeof *w.id);
        m--;
    }
    for (size_t i = 0; i < m; i++)
        if (sea__tok_ids_push(out, w.id[i]) != 0) {
            sea__tok_bpe_work_free(&w);
            return sea__err_nomem(err, "token ids");
        }
    sea__tok_bpe_work_free(&w);
    return SEA_OK;
}
