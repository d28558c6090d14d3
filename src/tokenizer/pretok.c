/* src/tokenizer/pretok.c: normalizers and pre-tokenizers, as Hugging Face `tokenizers` applies
 * them to each stretch of text between added tokens.
 *
 * Normalizers: Prepend (only onto non-empty text), Replace (literal pattern, every
 * non-overlapping occurrence from the left), Strip (White_Space on either side).
 * Pre-tokenizers turn one string into pieces: Metaspace (spaces -> replacement, optional
 * prefix, split before each replacement), Split (literal or known-regex matches, then one of
 * HF's five SplitDelimiterBehavior rules), ByteLevel (optional prefix space, optional GPT-2
 * regex split, then each byte -> its printable stand-in character), Digits. Empty pieces are
 * dropped, as HF does. */
#include <string.h>

#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

int sea__tok_pieces_push(tok_pieces *p, size_t off, size_t len, int at_start)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        tok_piece *v = sea__realloc(p->v, cap * sizeof *v);
        if (!v) return -1;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].off = off;
    p->v[p->n].len = len;
    p->v[p->n].at_start = at_start;
    p->n++;
    return 0;
}

/* ---- normalizers ---- */

static int replace_all(sea_buf *out, const char *s, size_t n, const char *pat, size_t plen,
                       const char *rep, size_t rlen)
{
    size_t i = 0, from = 0;
    while (plen <= n && i + plen <= n) {
        if (s[i] == pat[0] && memcmp(s + i, pat, plen) == 0) {
            if (sea__buf_append(out, s + from, i - from) || sea__buf_append(out, rep, rlen)) return -1;
            i += plen;
            from = i;
        } else {
            i++;
        }
    }
    return sea__buf_append(out, s + from, n - from);
}

int sea__tok_normalize(const sea_tokenizer *tok, const char *s, size_t n, sea_buf *out,
                  size_t *prefix_bytes)
{
    sea_buf a, b;
    const char *cur = s;
    size_t cur_n = n;
    int rc = 0;
    *prefix_bytes = 0;
    if (tok->n_norm == 0) return sea__buf_append(out, s, n);
    sea__buf_init(&a);
    sea__buf_init(&b);
    for (size_t k = 0; k < tok->n_norm && rc == 0; k++) {
        const tok_norm *st = &tok->norm[k];
        sea_buf *dst = (k & 1) ? &b : &a;
        dst->len = 0;
        switch (st->kind) {
        case NORM_PREPEND:
            if (cur_n > 0) {
                rc = sea__buf_append(dst, tok_str(tok, st->a_off), st->a_len);
                *prefix_bytes += st->a_len;
            }
            if (rc == 0) rc = sea__buf_append(dst, cur, cur_n);
            break;
        case NORM_REPLACE:
            rc = replace_all(dst, cur, cur_n, tok_str(tok, st->a_off), st->a_len,
                             tok_str(tok, st->b_off), st->b_len);
            break;
        case NORM_STRIP: {
            size_t lo = 0, hi = cur_n;
            const unsigned char *u = (const unsigned char *)cur;
            if (st->left)
                while (lo < hi) {
                    uint32_t cp;
                    size_t l = sea__utf8_next(u + lo, hi - lo, &cp);
                    if (!(sea__uc_flags(cp) & SEA_UC_WS)) break;
                    lo += l;
                }
            if (st->right)
                while (hi > lo) {
                    uint32_t cp;
                    size_t p = sea__utf8_prev(u, hi);
                    sea__utf8_next(u + p, hi - p, &cp);
                    if (!(sea__uc_flags(cp) & SEA_UC_WS)) break;
                    hi = p;
                }
            rc = sea__buf_append(dst, cur + lo, hi - lo);
            break;
        }
        case NORM_NFC: {
            /* NFC is the identity on text made only of code points that have no canonical
             * decomposition, combining class 0, and never end a composition: everything below
             * U+0300, General Punctuation from U+2002 (U+2000 and U+2001 decompose) and the
             * currency signs. Beyond that sea has no composition tables: -2. */
            const unsigned char *u = (const unsigned char *)cur;
            for (size_t q = 0; q < cur_n && rc == 0;) {
                uint32_t cp;
                q += sea__utf8_next(u + q, cur_n - q, &cp);
                if (!(cp < 0x300 || (cp >= 0x2002 && cp <= 0x206F) || (cp >= 0x20A0 && cp <= 0x20C0))) rc = -2;
            }
            if (rc == 0) rc = sea__buf_append(dst, cur, cur_n);
            break;
        }
        }
        if (dst->failed) rc = -1;
        cur = dst->data ? dst->data : "";
        cur_n = dst->len;
    }
    if (rc == 0) rc = sea__buf_append(out, cur, cur_n);
    sea__buf_free(&a);
    sea__buf_free(&b);
    return rc;
}

/* ---- splitting by matches (HF NormalizedString::split) ---- */

typedef struct span {
    size_t start, end;
    int is_match;
} span;

typedef struct spans {
    span *v;
    size_t n, cap;
} spans;

static int spans_push(spans *sp, size_t start, size_t end, int is_match)
{
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 64;
        span *v = sea__realloc(sp->v, cap * sizeof *v);
        if (!v) return -1;
        sp->v = v;
        sp->cap = cap;
    }
    sp->v[sp->n].start = start;
    sp->v[sp->n].end = end;
    sp->v[sp->n].is_match = is_match;
    sp->n++;
    return 0;
}

/* Matches of a split pattern over s[0..n), with the non-matching gaps, covering all of s
 * (HF Pattern::find_matches). */
static int find_matches(const sea_tokenizer *tok, const tok_pretok *pt, const char *s, size_t n,
                        spans *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t prev = 0, i = 0;
    out->n = 0;
    if (n == 0) return spans_push(out, 0, 0, 0);
    while (i < n) {
        size_t m = 0;
        if (pt->kind == PT_DIGITS) {
            uint32_t cp;
            size_t l = sea__utf8_next(u + i, n - i, &cp);
            if (sea__uc_flags(cp) & SEA_UC_N) m = l;
        } else if (pt->regex != RX_NONE) {
            m = sea__tok_regex_match(pt->regex, u, n, i);
        } else if (pt->s_len <= n - i && memcmp(s + i, tok_str(tok, pt->s_off), pt->s_len) == 0) {
            m = pt->s_len;
        }
        if (m == 0) {
            i += sea__utf8_len(u[i]);
            continue;
        }
        if (prev != i && spans_push(out, prev, i, 0)) return -1;
        if (spans_push(out, i, i + m, 1)) return -1;
        i += m;
        prev = i;
    }
    if (prev != n && spans_push(out, prev, n, 0)) return -1;
    return 0;
}

/* Apply a SplitDelimiterBehavior to the spans, in place; removed spans get end < start. */
static void apply_behavior(spans *sp, tok_split_behavior b, int invert)
{
    size_t w = 0;
    int prev_match = 0;
    if (invert)
        for (size_t i = 0; i < sp->n; i++) sp->v[i].is_match = !sp->v[i].is_match;
    switch (b) {
    case SPLIT_ISOLATED: return;
    case SPLIT_REMOVED:
        for (size_t i = 0; i < sp->n; i++)
            if (!sp->v[i].is_match) sp->v[w++] = sp->v[i];
        sp->n = w;
        return;
    case SPLIT_CONTIGUOUS:
        for (size_t i = 0; i < sp->n; i++) {
            if (w > 0 && sp->v[i].is_match == prev_match)
                sp->v[w - 1].end = sp->v[i].end;
            else
                sp->v[w++] = sp->v[i];
            prev_match = sp->v[i].is_match;
        }
        sp->n = w;
        return;
    case SPLIT_MERGED_PREV:
        for (size_t i = 0; i < sp->n; i++) {
            if (w > 0 && sp->v[i].is_match && !prev_match)
                sp->v[w - 1].end = sp->v[i].end;
            else
                sp->v[w++] = sp->v[i];
            prev_match = sp->v[i].is_match;
        }
        sp->n = w;
        return;
    case SPLIT_MERGED_NEXT: {
        /* walk from the right, then restore the order */
        size_t n = sp->n;
        w = n;
        for (size_t k = n; k-- > 0;) {
            span cur = sp->v[k];
            if (w < n && cur.is_match && !prev_match)
                sp->v[w].start = cur.start;
            else
                sp->v[--w] = cur;
            prev_match = cur.is_match;
        }
        memmove(sp->v, sp->v + w, (n - w) * sizeof *sp->v);
        sp->n = n - w;
        return;
    }
    }
}

/* ---- pre-tokenizers ---- */

/* GPT-2 bytes_to_unicode: printable bytes stand for themselves, the others map to U+0100.. */
static uint32_t byte_char(unsigned b)
{
    static uint16_t table[256];
    static int ready;
    if (!ready) { /* idempotent, so a race between threads writes the same values */
        unsigned n = 0;
        for (unsigned c = 0; c < 256; c++) {
            int printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE);
            table[c] = (uint16_t)(printable ? c : 256 + n++);
        }
        ready = 1;
    }
    return table[b];
}

/* One step on one piece: appends the transformed text to buf and the sub-pieces to out. */
static int pretok_piece(const sea_tokenizer *tok, const tok_pretok *pt, sea_buf *buf, tok_piece pc,
                        tok_pieces *out, spans *sp)
{
    size_t base, len;
    int at_start = pc.at_start;
    switch (pt->kind) {
    case PT_METASPACE: {
        const char *rep = tok_str(tok, pt->s_off);
        size_t rl = pt->s_len;
        int prepend;
        /* rewrite: spaces -> replacement, then the optional prefix */
        base = buf->len;
        if (pc.len > 0) {
            int starts = pc.len >= 1 && buf->data[pc.off] == ' '; /* becomes the replacement */
            if (!starts && pc.len >= rl && memcmp(buf->data + pc.off, rep, rl) == 0) starts = 1;
            prepend = !starts && (pt->prepend == PREPEND_ALWAYS || (pt->prepend == PREPEND_FIRST && at_start));
            if (prepend && sea__buf_append(buf, rep, rl)) return -1;
            for (size_t i = 0; i < pc.len; i++) {
                char ch = buf->data[pc.off + i];
                if (ch == ' ' ? sea__buf_append(buf, rep, rl) : sea__buf_putc(buf, ch)) return -1;
            }
        }
        len = buf->len - base;
        if (!pt->split) return len ? sea__tok_pieces_push(out, base, len, at_start) : 0;
        {
            tok_pretok lit;
            memset(&lit, 0, sizeof lit);
            lit.kind = PT_SPLIT;
            lit.s_off = pt->s_off;
            lit.s_len = pt->s_len;
            lit.regex = RX_NONE;
            if (find_matches(tok, &lit, buf->data + base, len, sp)) return -1;
            apply_behavior(sp, SPLIT_MERGED_NEXT, 0);
        }
        break;
    }
    case PT_SPLIT:
    case PT_DIGITS:
        base = pc.off;
        len = pc.len;
        if (find_matches(tok, pt, buf->data + base, len, sp)) return -1;
        apply_behavior(sp, pt->kind == PT_DIGITS ? (pt->individual ? SPLIT_ISOLATED : SPLIT_CONTIGUOUS)
                                                 : pt->behavior,
                       pt->kind == PT_SPLIT && pt->invert);
        break;
    case PT_BYTELEVEL: {
        size_t src = pc.off, n = pc.len;
        if (pt->add_prefix_space && n > 0 && buf->data[src] != ' ') {
            size_t nb = buf->len;
            /* reserve first: the bytes copied come from buf itself */
            if (sea__buf_reserve(buf, n + 1) || sea__buf_putc(buf, ' ') ||
                sea__buf_append(buf, buf->data + src, n))
                return -1;
            src = nb;
            n++;
        }
        sp->n = 0;
        if (pt->use_regex) {
            tok_pretok rx;
            memset(&rx, 0, sizeof rx);
            rx.kind = PT_SPLIT;
            rx.regex = RX_GPT2;
            if (find_matches(tok, &rx, buf->data + src, n, sp)) return -1;
        } else if (spans_push(sp, 0, n, 0)) {
            return -1;
        }
        for (size_t k = 0; k < sp->n; k++) {
            size_t start = buf->len;
            for (size_t i = sp->v[k].start; i < sp->v[k].end; i++) {
                unsigned char enc[4];
                size_t el = sea__utf8_put(enc, byte_char((unsigned char)buf->data[src + i]));
                if (sea__buf_append(buf, enc, el)) return -1;
            }
            if (buf->len > start &&
                sea__tok_pieces_push(out, start, buf->len - start, at_start && sp->v[k].start == 0))
                return -1;
        }
        return buf->failed ? -1 : 0;
    }
    default: return -1;
    }
    for (size_t k = 0; k < sp->n; k++)
        if (sp->v[k].end > sp->v[k].start &&
            sea__tok_pieces_push(out, base + sp->v[k].start, sp->v[k].end - sp->v[k].start,
                            at_start && sp->v[k].start == 0))
            return -1;
    return buf->failed ? -1 : 0;
}

int sea__tok_pretokenize(const sea_tokenizer *tok, sea_buf *buf, size_t off, size_t len, int at_start,
                    tok_pieces *out)
{
    spans sp = {NULL, 0, 0};
    tok_pieces a = {NULL, 0, 0}, b = {NULL, 0, 0};
    tok_pieces *cur = &a;
    int rc = 0;
    if (tok->n_pretok == 0) return len ? sea__tok_pieces_push(out, off, len, at_start) : 0;
    if (sea__tok_pieces_push(&a, off, len, at_start)) return -1;
    /* each step reads one list and writes the other; the last step writes `out` */
    for (size_t k = 0; k < tok->n_pretok && rc == 0; k++) {
        tok_pieces *dst = k + 1 == tok->n_pretok ? out : cur == &a ? &b : &a;
        if (dst != out) dst->n = 0;
        for (size_t i = 0; i < cur->n && rc == 0; i++)
            rc = pretok_piece(tok, &tok->pretok[k], buf, cur->v[i], dst, &sp);
        cur = dst;
    }
    sea__free(a.v);
    sea__free(b.v);
    sea__free(sp.v);
    return rc;
}
