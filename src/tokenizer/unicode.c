/* src/tokenizer/unicode.c: character-class lookup in the generated tables, and the UTF-8
 * helpers the tokenizer needs: validation, Rust's from_utf8_lossy grouping of bad bytes, and
 * the "could more bytes complete this?" test of the streaming decoder. */
#include "tokenizer/unicode.h"

unsigned sea__uc_flags(uint32_t c)
{
    size_t lo = 0, hi = sea__uc_n_ranges;
    if (c < 256) return sea__uc_latin1[c];
    while (lo < hi) { /* first range with hi >= c */
        size_t mid = lo + (hi - lo) / 2;
        if (sea__uc_ranges[mid].hi < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sea__uc_n_ranges && sea__uc_ranges[lo].lo <= c) return sea__uc_ranges[lo].flags;
    return 0;
}

size_t sea__utf8_put(unsigned char *out, uint32_t c)
{
    if (c < 0x80) { out[0] = (unsigned char)c; return 1; }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | (c >> 6));
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (c >> 12));
        out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (c >> 18));
    out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Range of the second byte allowed after lead byte b (Unicode Table 3-7); 0 if b cannot lead. */
static int second_range(unsigned char b, unsigned char *lo, unsigned char *hi, size_t *len)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) { *len = 2; return 1; }
    if (b >= 0xE0 && b <= 0xEF) {
        *len = 3;
        if (b == 0xE0) *lo = 0xA0;
        if (b == 0xED) *hi = 0x9F;
        return 1;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        *len = 4;
        if (b == 0xF0) *lo = 0x90;
        if (b == 0xF4) *hi = 0x8F;
        return 1;
    }
    return 0;
}

/* Number of leading bytes of s[0..n) that belong to a well-formed prefix of one character
 * (the character may be cut short by n). Returns 0 when s[0] cannot start a character. */
static size_t valid_part(const unsigned char *s, size_t n, size_t *need)
{
    unsigned char lo, hi;
    size_t len, k;
    if (s[0] < 0x80) { *need = 1; return 1; }
    if (!second_range(s[0], &lo, &hi, &len)) { *need = 1; return 0; }
    *need = len;
    if (n < 2 || s[1] < lo || s[1] > hi) return 1;
    for (k = 2; k < len; k++)
        if (k >= n || (s[k] & 0xC0) != 0x80) return k;
    return len;
}

size_t sea__utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t need, got;
        if (s[i] < 0x80) { i++; continue; }
        got = valid_part(s + i, n - i, &need);
        if (got != need) return i;
        i += got;
    }
    return n;
}

size_t sea__utf8_invalid_len(const unsigned char *s, size_t n)
{
    size_t need, got = valid_part(s, n, &need);
    return got == 0 ? 1 : got;
}

int sea__utf8_incomplete(const unsigned char *s, size_t n)
{
    size_t need, got;
    if (n == 0) return 0;
    got = valid_part(s, n, &need);
    return got == n && n < need;
}
