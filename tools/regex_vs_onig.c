/* tools/regex_vs_onig.c: developer check, not part of the build: compares the hand-written
 * pre-tokenizer matchers of src/tokenizer/regex.c (Llama-3 and GPT-2 patterns) with Oniguruma,
 * the engine Hugging Face `tokenizers` runs them with, on random strings of tricky characters
 * (apostrophes and the letters of the contractions, long s and Kelvin, every kind of space,
 * digits of other scripts, marks, emoji, unassigned code points) and random code points.
 *
 *   apt-get install libonig-dev
 *   gcc -O2 -std=gnu99 -Isrc -Iinclude -I$BUILD tools/regex_vs_onig.c src/tokenizer/regex.c \
 *       src/tokenizer/unicode.c src/tokenizer/unicode_tables.c -lonig -o /tmp/regex_vs_onig
 *   /tmp/regex_vs_onig 300000
 *
 * Characters new in the UCD used for the tables but unknown to the installed Oniguruma (Debian's
 * 6.9.8 has Unicode 14) are skipped: their classes differ by version, not by matcher. */
#include <oniguruma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

/* Code points assigned after Unicode 14 (DerivedAge.txt), read at start-up. */
static unsigned newer[4096][2];
static size_t n_newer;
static void load_ages(void)
{
    FILE *f = fopen("/usr/share/unicode/DerivedAge.txt", "r");
    char line[512];
    if (!f) return;
    while (fgets(line, sizeof line, f) && n_newer < 4096) {
        unsigned lo, hi;
        char age[16];
        if (line[0] == '#' || line[0] == '\n') continue;
        if (sscanf(line, "%x..%x ; %15s", &lo, &hi, age) == 3 || (sscanf(line, "%x ; %15s", &lo, age) == 2 && (hi = lo, 1)))
            if (strtod(age, NULL) > 14.05) {
                newer[n_newer][0] = lo;
                newer[n_newer][1] = hi;
                n_newer++;
            }
    }
    fclose(f);
}
static int is15(uint32_t c)
{
    for (size_t i = 0; i < n_newer; i++)
        if (c >= newer[i][0] && c <= newer[i][1]) return 1;
    return 0;
}
static const char *LL3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char *GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
static uint32_t pool[] = {'a','b','Z','s','S','t','T','r','R','e','E','v','V','l','L','m','M','d','D',0x17F,0x212A,
 '\'','\'','\'',' ',' ',' ',' ','\t','\n','\r','\v','\f',0x85,0xA0,0x1680,0x2000,0x2028,0x2029,0x202F,0x3000,0x180E,0x200B,
 '0','1','9',0x663,0xBD,0xB2,0x2160,'.',',','!','?','-','_','(',0xE9,0x301,0x300,0x5D0,0x4E2D,0x3042,0x1F600,0x1F3FD,0x200D,0xFE0F,
 0x10FFFF, 0xE000, 0x378, 0x1D518, 0x0, 0x7F, 0x1F, 0x2060, 0xFEFF, 0x31350 /* cjk ext H (15.0) */, 0x11F00 /* kawi 15.0 */};
int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 100000;
    load_ages();
    OnigEncoding use[1] = {ONIG_ENCODING_UTF8};
    onig_initialize(use, 1);
    regex_t *re[2]; OnigErrorInfo ei;
    const char *pats[2] = {LL3, GPT2};
    for (int k = 0; k < 2; k++) {
        int r = onig_new(&re[k], (const UChar*)pats[k], (const UChar*)pats[k] + strlen(pats[k]), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8, ONIG_SYNTAX_DEFAULT, &ei);
        if (r != ONIG_NORMAL) { printf("onig_new failed %d\n", r); return 1; }
    }
    OnigRegion *reg = onig_region_new();
    srand(12345);
    size_t npool = sizeof pool / sizeof pool[0];
    long fails = 0;
    for (int it = 0; it < iters; it++) {
        unsigned char s[256]; size_t n = 0; int len = 1 + rand() % 12;
        for (int i = 0; i < len; i++) {
            uint32_t c = pool[rand() % npool];
            if (rand() % 3 == 0) { c = (uint32_t)rand() % (rand() % 4 ? 0x3400 : 0x30000); if ((c >= 0xD800 && c < 0xE000) || is15(c)) continue; }
            if (is15(c)) continue;
            n += sea__utf8_put(s + n, c);
        }
        for (int k = 0; k < 2; k++) {
            tok_regex rx = k ? RX_GPT2 : RX_LLAMA3;
            /* onig find_iter */
            size_t pos = 0; char a[2048] = "", b[2048] = "";
            size_t ao = 0, bo = 0;
            while (pos <= n) {
                int r = onig_search(re[k], s, s + n, s + pos, s + n, reg, ONIG_OPTION_NONE);
                if (r < 0) break;
                ao += snprintf(a + ao, sizeof a - ao, "[%d,%d)", reg->beg[0], reg->end[0]);
                if (reg->end[0] == reg->beg[0]) { pos = reg->end[0] + 1; } else pos = reg->end[0];
                if (pos >= n) break;
            }
            size_t i = 0;
            while (i < n) {
                size_t m = sea__tok_regex_match(rx, s, n, i);
                if (m == 0) { i += sea__utf8_len(s[i]); continue; }
                bo += snprintf(b + bo, sizeof b - bo, "[%zu,%zu)", i, i + m);
                i += m;
            }
            if (strcmp(a, b) != 0) {
                if (fails++ < 15) {
                    printf("%s mismatch on:", k ? "gpt2" : "llama3");
                    for (size_t j = 0; j < n; j++) printf(" %02X", s[j]);
                    printf("\n onig %s\n  sea %s\n", a, b);
                }
            }
        }
    }
    printf("%d strings, %ld mismatches\n", iters, fails);
    return fails != 0;
}
