/* bench/bench_tokenize.c: tokenizer speed. For each tokenizer directory given: time to open it,
 * encoding throughput on a text file (line by line, as SEA encodes prompts, and as one call),
 * decoding throughput, and the 1 MB word without spaces; the merge loop is compared with the
 * quadratic reference loop (rescan for the best pair after every merge) in the same run.
 *
 *   bench/bench_tokenize TEXT_FILE DIR [DIR...]
 *   e.g. bench/bench_tokenize ../shared/data/kjv/kjv-verses.txt models/kjv-demo \
 *            tests/fixtures/tokenizer/llama2
 * Each figure is the best of 3 runs. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "sea.h"
#include "tokenizer/tok_internal.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const sea_err *err)
{
    fprintf(stderr, "bench_tokenize: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

/* Encode every line of text (or the whole text as one call); returns seconds and the ids. */
static double encode_text(const sea_tokenizer *tok, const char *text, size_t len, int by_line, int naive,
                          size_t *n_tokens)
{
    double t0 = now();
    size_t total = 0;
    const char *p = text, *end = text + len;
    sea_err err;
    while (p < end) {
        const char *nl = by_line ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int32_t *ids;
        size_t n;
        if (sea__tok_encode(tok, p, l, 0, naive, &ids, &n, &err) != SEA_OK) die("encode", &err);
        total += n;
        sea_free(ids);
        p += l + (nl ? 1 : 0);
    }
    *n_tokens = total;
    return now() - t0;
}

static double best3(const sea_tokenizer *tok, const char *text, size_t len, int by_line, int naive, size_t *n)
{
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        double t = encode_text(tok, text, len, by_line, naive, n);
        if (t < best) best = t;
    }
    return best;
}

/* A word of n pseudo-random lower-case letters (no spaces). */
static char *random_word(size_t n)
{
    char *w = malloc(n);
    uint32_t x = 2024;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        w[i] = (char)('a' + (x >> 16) % 26);
    }
    return w;
}

int main(int argc, char **argv)
{
    char *text;
    size_t len;
    sea_err err;
    if (argc < 3) {
        fprintf(stderr, "usage: bench_tokenize TEXT_FILE DIR [DIR...]\n");
        return 2;
    }
    if (sea__read_file(&text, &len, argv[1], (size_t)1 << 30, &err) != SEA_OK) die(argv[1], &err);
    printf("text: %s, %.2f MB\n", argv[1], (double)len / 1e6);
    for (int d = 2; d < argc; d++) {
        sea_tokenizer *tok;
        double t_open = now(), t, t_naive;
        size_t n, n_naive;
        char *word = random_word((size_t)1 << 20);
        if (sea_tokenizer_open(&tok, argv[d], &err) != SEA_OK) die(argv[d], &err);
        t_open = now() - t_open;
        printf("\n%s (vocab %d): open %.1f ms\n", argv[d], sea_tokenizer_n_vocab(tok), 1e3 * t_open);

        t = best3(tok, text, len, 1, 0, &n);
        printf("  encode line by line : %7.2f MB/s  (%zu tokens, %.3f s)\n", (double)len / 1e6 / t, n, t);
        t_naive = best3(tok, text, len, 1, 1, &n_naive);
        printf("    reference loop    : %7.2f MB/s  (%.3f s; heap is %.2fx faster; same ids: %s)\n",
               (double)len / 1e6 / t_naive, t_naive, t_naive / t, n == n_naive ? "count matches" : "NO");
        t = best3(tok, text, len, 0, 0, &n);
        printf("  encode as one call  : %7.2f MB/s  (%zu tokens, %.3f s)\n", (double)len / 1e6 / t, n, t);
        {
            int32_t *ids;
            char *back;
            size_t bl, nn;
            double best = 1e30;
            if (sea_tokenize(tok, text, len, 0, &ids, &nn, &err) != SEA_OK) die("encode", &err);
            for (int r = 0; r < 3; r++) {
                double t0 = now();
                if (sea_detokenize(tok, ids, nn, 0, &back, &bl, &err) != SEA_OK) die("decode", &err);
                t0 = now() - t0;
                if (t0 < best) best = t0;
                sea_free(back);
            }
            printf("  decode              : %7.2f MB/s of text (%.3f s)\n", (double)len / 1e6 / best, best);
            sea_free(ids);
        }
        t = best3(tok, word, (size_t)1 << 20, 0, 0, &n);
        printf("  1 MB without spaces : %.3f s (%zu tokens)\n", t, n);
        for (size_t k = 4096; k <= 16384; k *= 4) {
            size_t nh, nr;
            double th = best3(tok, word, k, 0, 0, &nh), tr = encode_text(tok, word, k, 0, 1, &nr);
            printf("  %3zu kB word         : heap %.4f s, reference loop %.3f s (%.0fx)%s\n", k / 1024, th, tr, tr / th,
                   nh == nr ? "" : "  IDS DIFFER");
        }
        free(word);
        sea_tokenizer_close(tok);
    }
    sea__free(text);
    return 0;
}
