/* src/tokenizer/unicode.h: UTF-8 decoding and the Unicode character classes the tokenizer's
 * pre-tokenizers and added-token rules test (tables generated from the Unicode Character
 * Database by tools/gen_unicode_tables.py). */
#ifndef SEA_TOKENIZER_UNICODE_H
#define SEA_TOKENIZER_UNICODE_H

#include <stddef.h>
#include <stdint.h>

/* Character classes (bit flags). */
#define SEA_UC_L 1u    /* general category L*: Oniguruma \p{L} */
#define SEA_UC_N 2u    /* general category N*: Oniguruma \p{N}, Rust char::is_numeric */
#define SEA_UC_WS 4u   /* White_Space: Oniguruma and Rust \s, Rust char::is_whitespace */
#define SEA_UC_WORD 8u /* Rust regex \w: Alphabetic, M*, Nd, Pc, Join_Control */

typedef struct sea__uc_range {
    uint32_t lo, hi;
    uint8_t flags;
} sea__uc_range;

extern const sea__uc_range sea__uc_ranges[];
extern const size_t sea__uc_n_ranges;
extern const char sea__ucd_version[];
extern const uint8_t sea__uc_latin1[256];

/* Flags of code point c (0 for unassigned or out of range). */
unsigned sea__uc_flags(uint32_t c);

/* Decode one UTF-8 character of s[0..n) (n >= 1, s assumed valid UTF-8): returns its length
 * and stores the code point. */
static inline size_t sea__utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80 || n < 2) { *cp = b; return 1; }
    if (b < 0xE0) { *cp = ((uint32_t)(b & 0x1F) << 6) | (s[1] & 0x3F); return 2; }
    if (b < 0xF0 || n < 4) {
        if (n < 3) { *cp = b; return 1; }
        *cp = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* Length of the UTF-8 character starting with byte b (1 for continuation bytes). */
static inline size_t sea__utf8_len(unsigned char b)
{
    return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Start of the character that ends just before s[end] (s[0..end) valid UTF-8, end > 0). */
static inline size_t sea__utf8_prev(const unsigned char *s, size_t end)
{
    size_t i = end - 1;
    while (i > 0 && (s[i] & 0xC0) == 0x80) i--;
    return i;
}

/* Encode c (<= 0x10FFFF) into out (4 bytes room); returns the length. */
size_t sea__utf8_put(unsigned char *out, uint32_t c);

/* Length of the longest valid UTF-8 prefix of s[0..n) (== n when all of it is valid). Valid
 * means RFC 3629: shortest form, no surrogates, at most U+10FFFF. */
size_t sea__utf8_valid_prefix(const unsigned char *s, size_t n);

/* Length of the "maximal subpart" of an ill-formed sequence at s[0..n) (n >= 1, s[0] does not
 * start a valid character): the bytes Rust's from_utf8_lossy replaces with one U+FFFD. */
size_t sea__utf8_invalid_len(const unsigned char *s, size_t n);

/* Whether s[0..n) could be the beginning of a valid character that more bytes would
 * complete (n < the character's length). */
int sea__utf8_incomplete(const unsigned char *s, size_t n);

#endif /* SEA_TOKENIZER_UNICODE_H */
