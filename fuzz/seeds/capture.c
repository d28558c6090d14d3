/* fuzz/seeds/capture.c: the recording side of capture.h (see there). Inputs above
 * $SEA_CAPTURE_MAX bytes (default 65536) are not recorded; file names carry the suite, the
 * function that made the call and a hash of the contents, so identical inputs are written once. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sea.h"

#define SEP "\n--8<--\n"
#define NOINSTR __attribute__((no_instrument_function))

/* ---- which test is running ---- */
static struct {
    const void *fn;
    const char *name;
} g_tests[4096];
static int g_n_tests;
static const void *g_stack[1024];
static int g_depth;

void cap_register(const char *name, const void *fn) NOINSTR;
void cap_register(const char *name, const void *fn)
{
    if (g_n_tests < 4096) {
        g_tests[g_n_tests].fn = fn;
        g_tests[g_n_tests].name = name;
        g_n_tests++;
    }
}

void __cyg_profile_func_enter(void *fn, void *site) NOINSTR;
void __cyg_profile_func_exit(void *fn, void *site) NOINSTR;
void __cyg_profile_func_enter(void *fn, void *site)
{
    (void)site;
    if (g_depth < 1024) g_stack[g_depth] = fn;
    g_depth++;
}
void __cyg_profile_func_exit(void *fn, void *site)
{
    (void)fn;
    (void)site;
    if (g_depth > 0) g_depth--;
}

static const char *current_test(void)
{
    for (int d = (g_depth < 1024 ? g_depth : 1024) - 1; d >= 0; d--)
        for (int i = 0; i < g_n_tests; i++)
            if (g_tests[i].fn == g_stack[d]) return g_tests[i].name;
    return NULL;
}

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static size_t cap_max(void)
{
    const char *m = getenv("SEA_CAPTURE_MAX");
    return m && *m ? (size_t)strtoull(m, NULL, 10) : 65536;
}

typedef struct buf {
    unsigned char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->n + n + 1) c *= 2;
        b->p = realloc(b->p, c);
        if (!b->p) abort();
        b->cap = c;
    }
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
}

static int read_all(buf *b, const char *path)
{
    FILE *f;
    struct stat st;
    unsigned char tmp[65536];
    size_t k;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > cap_max()) return -1;
    f = fopen(path, "rb");
    if (!f) return -1;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) put(b, tmp, k);
    fclose(f);
    return 0;
}

void cap_bytes(const char *target, const char *file, const char *func, const void *p, size_t n)
{
    const char *root = getenv("SEA_CAPTURE");
    const char *base = strrchr(file, '/');
    char dir[4096], path[4400], suite[256];
    size_t sl;
    FILE *f;
    if (!root || !*root || n > cap_max() || (!p && n)) return;
    base = base ? base + 1 : file;
    if (getenv("SEA_CAPTURE_SUITE")) base = getenv("SEA_CAPTURE_SUITE"); /* helpers live in headers */
    snprintf(suite, sizeof suite, "%s", base);
    sl = strlen(suite);
    if (sl > 2 && strcmp(suite + sl - 2, ".c") == 0) suite[sl - 2] = '\0';
    snprintf(dir, sizeof dir, "%s/%s", root, target);
    mkdir(root, 0777);
    mkdir(dir, 0777);
    {
        char fn[256];
        size_t fl;
        const char *test = current_test();
        snprintf(fn, sizeof fn, "%s", test ? test : func);
        fl = strlen(fn);
        if (fl > 3 && strcmp(fn + fl - 3, "_fn") == 0) fn[fl - 3] = '\0';
        snprintf(path, sizeof path, "%s/%s-%s-%016llx", dir, suite, fn,
                 (unsigned long long)fnv(p, n, 14695981039346656037ull));
    }
    f = fopen(path, "wb");
    if (!f) return;
    if (n) fwrite(p, 1, n, f);
    fclose(f);
}

void cap_file(const char *target, const char *file, const char *func, const char *path)
{
    buf b = {0};
    if (path && read_all(&b, path) == 0) cap_bytes(target, file, func, b.p ? b.p : (unsigned char *)"", b.n);
    free(b.p);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cap_dir(const char *target, const char *file, const char *func, const char *dir, const char *main_name,
             const char *only_other)
{
    buf b = {0};
    char path[4400], *names[64];
    int n = 0;
    DIR *d;
    struct dirent *e;
    if (!dir || !getenv("SEA_CAPTURE")) return;
    snprintf(path, sizeof path, "%s/%s", dir, main_name);
    read_all(&b, path); /* absent main file: empty part 0 */
    d = opendir(dir);
    if (!d) goto out;
    while ((e = readdir(d)) != NULL && n < 64) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
        if (strcmp(e->d_name, main_name) == 0 || strlen(e->d_name) > 64) continue;
        if (only_other && strcmp(e->d_name, only_other) != 0) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    for (int i = 0; i < n; i++) {
        buf f = {0};
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (read_all(&f, path) == 0) {
            put(&b, SEP, strlen(SEP));
            put(&b, names[i], strlen(names[i]));
            put(&b, "\n", 1);
            put(&b, f.p, f.n);
        }
        free(f.p);
        free(names[i]);
    }
    if (b.n <= cap_max()) cap_bytes(target, file, func, b.p ? b.p : (unsigned char *)"", b.n);
out:
    free(b.p);
}

void cap_pair(const char *target, const char *file, const char *func, const void *p, size_t n, const char *name2,
              const void *p2, size_t n2)
{
    buf b = {0};
    put(&b, p, n);
    if (p2) {
        put(&b, SEP, strlen(SEP));
        put(&b, name2, strlen(name2));
        put(&b, "\n", 1);
        put(&b, p2, n2);
    }
    cap_bytes(target, file, func, b.p, b.n);
    free(b.p);
}

void cap_pair_files(const char *target, const char *file, const char *func, const char *path, const char *name2,
                    const char *path2)
{
    buf a = {0}, c = {0};
    if (read_all(&a, path) == 0 && (!path2 || read_all(&c, path2) == 0))
        cap_pair(target, file, func, a.p ? a.p : (unsigned char *)"", a.n, name2, path2 ? (c.p ? c.p : (unsigned char *)"") : NULL, c.n);
    free(a.p);
    free(c.p);
}

void cap_json(const char *file, const char *func, const char *text, size_t len, const sea_json_params *params)
{
    buf b = {0};
    unsigned char p0 = 0;
    if (params) {
        p0 = (unsigned char)((params->allow_duplicate_keys ? 1 : 0) | (params->allow_trailing_ws ? 0 : 2));
        if (params->max_depth < 64) p0 |= (unsigned char)(params->max_depth << 2);
    }
    put(&b, &p0, 1);
    put(&b, text, len);
    cap_bytes("json", file, func, b.p, b.n);
    free(b.p);
}

void cap_text(const char *file, const char *func, const char *text, size_t len)
{
    buf b = {0};
    unsigned char sel = 1; /* the byte-level tokenizer, whose round trip is exact */
    put(&b, &sel, 1);
    put(&b, text, len);
    cap_bytes("tokenize", file, func, b.p, b.n);
    free(b.p);
}
