/* src/tokenizer/regex.c: hand-written matchers for the two pre-tokenizer regular expressions
 * Llama-family tokenizer.json files use, with the semantics of Oniguruma (the backtracking
 * engine Hugging Face `tokenizers` runs them with): alternatives tried in order, greedy
 * quantifiers that give characters back only when what follows fails.
 *
 * Llama-3 (Split pre-tokenizer, "Isolated"):
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
 *   \s*[\r\n]+|\s+(?!\S)|\s+
 * Qwen2 (Split, "Isolated"): the same with \p{N} in place of \p{N}{1,3} (single digits).
 * GPT-2 (ByteLevel pre-tokenizer with use_regex):
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *
 * \p{L}, \p{N} are general categories L* and N*, \s is White_Space (src/tokenizer/unicode.h).
 * (?i) makes 's also match 'S and 'ſ (U+017F folds to s); no other character folds to the
 * letters used here. Each function returns the length of the match starting exactly at i, or
 * 0 when no alternative matches there (then find_iter moves on by one character). */
#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

typedef struct cursor {
    const unsigned char *s;
    size_t n;
} cursor;

/* Code point and length of the character at i (i < n). */
static size_t at(const cursor *c, size_t i, uint32_t *cp)
{
    return sea__utf8_next(c->s + i, c->n - i, cp);
}

static unsigned flags_at(const cursor *c, size_t i, size_t *len)
{
    uint32_t cp;
    *len = at(c, i, &cp);
    return sea__uc_flags(cp);
}

/* End of the run of characters starting at i whose flags satisfy (flags & mask) == want;
 * at most max characters. */
static size_t run(const cursor *c, size_t i, unsigned mask, unsigned want, size_t max)
{
    size_t k = 0;
    while (i < c->n && k < max) {
        size_t len;
        if ((flags_at(c, i, &len) & mask) != want) break;
        i += len;
        k++;
    }
    return i;
}

#define OTHER_MASK (SEA_UC_L | SEA_UC_N | SEA_UC_WS) /* [^\s\p{L}\p{N}]: none of these */

static int is_crlf(const cursor *c, size_t i) { return i < c->n && (c->s[i] == '\r' || c->s[i] == '\n'); }

/* Contractions after an apostrophe at i: 's 't 're 've 'm 'll 'd, case-folded when fold. */
static size_t contraction(const cursor *c, size_t i, int fold)
{
    uint32_t a, b = 0;
    size_t la, lb = 0;
    if (c->s[i] != '\'' || i + 1 >= c->n) return 0;
    la = at(c, i + 1, &a);
    if (i + 1 + la < c->n) lb = at(c, i + 1 + la, &b);
    if (fold) {
        if (a == 0x17F) a = 's';
        if (a < 128 && a >= 'A' && a <= 'Z') a += 32;
        if (b < 128 && b >= 'A' && b <= 'Z') b += 32;
    }
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 1 + la;
    if (lb && ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')))
        return 1 + la + lb;
    return 0;
}

/* \s+(?!\S) then \s+ at i (c0 is whitespace): the run, minus its last character when a
 * non-space follows and the run is longer than one character. */
static size_t spaces(const cursor *c, size_t i)
{
    size_t e = run(c, i, SEA_UC_WS, SEA_UC_WS, SIZE_MAX);
    if (e < c->n) {
        size_t last = sea__utf8_prev(c->s, e);
        if (last > i) return last - i;
    }
    return e - i;
}

static size_t match_llama3(const cursor *c, size_t i, size_t max_digits)
{
    size_t len0, m, e;
    unsigned f0 = flags_at(c, i, &len0);

    if ((m = contraction(c, i, 1)) != 0) return m;
    /* [^\r\n\p{L}\p{N}]?\p{L}+ */
    if (!(f0 & (SEA_UC_L | SEA_UC_N)) && !is_crlf(c, i) && i + len0 < c->n) {
        size_t l1;
        if (flags_at(c, i + len0, &l1) & SEA_UC_L) return run(c, i + len0, SEA_UC_L, SEA_UC_L, SIZE_MAX) - i;
    }
    if (f0 & SEA_UC_L) return run(c, i, SEA_UC_L, SEA_UC_L, SIZE_MAX) - i;
    /* \p{N}{1,3} (Qwen2: \p{N}) */
    if (f0 & SEA_UC_N) return run(c, i, SEA_UC_N, SEA_UC_N, max_digits) - i;
    /*  ?[^\s\p{L}\p{N}]+[\r\n]* */
    {
        size_t p = i;
        if (c->s[i] == ' ' && i + 1 < c->n) p = i + 1;
        if (p < c->n) {
            size_t lp;
            if ((flags_at(c, p, &lp) & OTHER_MASK) == 0) {
                e = run(c, p, OTHER_MASK, 0, SIZE_MAX);
                while (is_crlf(c, e)) e++;
                return e - i;
            }
        }
    }
    if (!(f0 & SEA_UC_WS)) return 0;
    /* \s*[\r\n]+ : up to and including the last CR/LF of the whitespace run */
    e = run(c, i, SEA_UC_WS, SEA_UC_WS, SIZE_MAX);
    for (size_t q = e; q > i; q--)
        if (is_crlf(c, q - 1)) return q - i;
    /* \s+(?!\S) | \s+ */
    return spaces(c, i);
}

static size_t match_gpt2(const cursor *c, size_t i)
{
    size_t len0, m, p = i, lp;
    unsigned f0 = flags_at(c, i, &len0), fp = f0;

    if ((m = contraction(c, i, 0)) != 0) return m;
    if (c->s[i] == ' ' && i + 1 < c->n) {
        p = i + 1;
        fp = flags_at(c, p, &lp);
    }
    /*  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+ (the optional space is given back if needed) */
    if (fp & SEA_UC_L) return run(c, p, SEA_UC_L, SEA_UC_L, SIZE_MAX) - i;
    if (f0 & SEA_UC_L) return run(c, i, SEA_UC_L, SEA_UC_L, SIZE_MAX) - i;
    if (fp & SEA_UC_N) return run(c, p, SEA_UC_N, SEA_UC_N, SIZE_MAX) - i;
    if (f0 & SEA_UC_N) return run(c, i, SEA_UC_N, SEA_UC_N, SIZE_MAX) - i;
    if ((fp & OTHER_MASK) == 0) return run(c, p, OTHER_MASK, 0, SIZE_MAX) - i;
    if ((f0 & OTHER_MASK) == 0) return run(c, i, OTHER_MASK, 0, SIZE_MAX) - i;
    if (f0 & SEA_UC_WS) return spaces(c, i);
    return 0;
}

size_t sea__tok_regex_match(tok_regex rx, const unsigned char *s, size_t n, size_t i)
{
    cursor c;
    c.s = s;
    c.n = n;
    if (i >= n) return 0;
    switch (rx) {
    case RX_LLAMA3: return match_llama3(&c, i, 3);
    case RX_QWEN2: return match_llama3(&c, i, 1);
    case RX_GPT2: return match_gpt2(&c, i);
    case RX_NONE: break;
    }
    return 0;
}
