/* tests/testutil.h: helpers shared by the Check suites: fixture paths, the optional large
 * conformance data in ../shared (SEA_SHARED), relative-tolerance comparisons and running a
 * suite. */
#ifndef SEA_TESTUTIL_H
#define SEA_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sea.h"

/* Path of a file under tests/fixtures (static buffer, valid until the next call). */
static inline const char *fixture(const char *rel)
{
    static char buf[4][4096];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, 4096, "%s/%s", SEA_TEST_FIXTURES, rel);
    return b;
}

/* Path under the shared conformance data (SEA_SHARED), or NULL when it is not set. */
static inline const char *shared_path(const char *rel)
{
    static char buf[4][4096];
    static int slot;
    const char *root = getenv("SEA_SHARED");
    char *b;
    if (!root || !root[0]) return NULL;
    b = buf[slot++ & 3];
    snprintf(b, 4096, "%s/%s", root, rel);
    return b;
}

/* Path of the bundled model directory. */
static inline const char *model_dir(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", SEA_SRC_MODELDIR, name);
    return buf;
}

/* A temporary copy of the bundled kjv-demo model (weights and tokenizer linked, not copied)
 * whose config.json has the text `from` replaced by `to`, e.g. a longer position range or
 * another EOS id. Returns the directory (static buffer); remove it with tmp_model_remove. */
static inline const char *tmp_model_variant(const char *from, const char *to)
{
    static char dir[64];
    static const char *const names[] = {"model.safetensors", "tokenizer.json", "tokenizer_config.json"};
    char src[8192], dst[8192], *text, *p;
    long len;
    FILE *f;
    strcpy(dir, "/tmp/sea-model-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (int i = 0; i < 3; i++) {
        snprintf(src, sizeof src, "%s/%s", model_dir("kjv-demo"), names[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        ck_assert_int_eq(symlink(src, dst), 0);
    }
    snprintf(src, sizeof src, "%s/config.json", model_dir("kjv-demo"));
    f = fopen(src, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc(1, (size_t)len + 1);
    ck_assert_int_eq((long)fread(text, 1, (size_t)len, f), len);
    fclose(f);
    p = strstr(text, from);
    ck_assert_msg(p != NULL, "config.json has no '%s'", from);
    snprintf(dst, sizeof dst, "%s/config.json", dir);
    f = fopen(dst, "w");
    fprintf(f, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    fclose(f);
    free(text);
    return dir;
}

static inline void tmp_model_remove(const char *dir)
{
    static const char *const names[] = {"model.safetensors", "tokenizer.json", "tokenizer_config.json", "config.json"};
    char p[8192];
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* max |a - b| / max(max|b|, floor): the relative-to-max-abs error used by the spec. */
static inline double rel_max_err(const float *a, const float *b, size_t n, double floor_)
{
    double m = floor_, e = 0;
    for (size_t i = 0; i < n; i++) {
        double ab = fabs((double)b[i]);
        if (ab > m) m = ab;
    }
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= e)) e = d; /* NaN propagates as a failure */
    }
    return e / m;
}

#define ck_assert_rel_le(a, b, n, tol)                                                        \
    do {                                                                                      \
        double e__ = rel_max_err((a), (b), (n), 1e-30);                                       \
        ck_assert_msg(e__ <= (tol), "relative max error %.3g exceeds %.3g", e__, (double)(tol)); \
    } while (0)

/* Run one suite in fork mode; exit status for automake (0 pass, 1 fail). */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Exit status 77 tells automake the test was skipped. */
#define SKIP_UNLESS_SHARED()                                                                  \
    do {                                                                                      \
        if (!getenv("SEA_SHARED") || !getenv("SEA_SHARED")[0]) {                              \
            fprintf(stderr, "SKIP: SEA_SHARED is not set (path to the shared conformance data)\n"); \
            return 77;                                                                        \
        }                                                                                     \
    } while (0)

#endif /* SEA_TESTUTIL_H */
