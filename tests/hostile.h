/* tests/hostile.h: helpers for the hostile-input suites (check_safetensors, check_st_index,
 * check_config): safetensors images built byte by byte, temporary directories, an allocator
 * hook that records the largest request and the peak of live bytes, and checks that an error
 * report is one line naming the file. */
#ifndef SEA_TESTS_HOSTILE_H
#define SEA_TESTS_HOSTILE_H

#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define HT_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* dir/name into buf (asserts that it fits) */
static inline void ht_path(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    ck_assert(n > 0 && (size_t)n < cap);
}

/* ---- safetensors images ---- */

/* 8-byte little-endian `prefix`, then `hlen` header bytes, then `data_len` data bytes (a
 * fixed pattern). Caller frees. */
static inline unsigned char *ht_image_n(size_t *len, uint64_t prefix, const char *hdr, size_t hlen,
                                        size_t data_len)
{
    unsigned char *p;
    *len = 8 + hlen + data_len;
    p = malloc(*len ? *len : 1);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(prefix >> (8 * i));
    memcpy(p + 8, hdr, hlen);
    for (size_t i = 0; i < data_len; i++) p[8 + hlen + i] = (unsigned char)(i * 7 + 1);
    return p;
}

/* The usual case: prefix = strlen(hdr). */
static inline unsigned char *ht_image(size_t *len, const char *hdr, size_t data_len)
{
    return ht_image_n(len, strlen(hdr), hdr, strlen(hdr), data_len);
}

/* ---- error reports ---- */

/* The message is one line, starts with "name:" and holds every non-NULL needle. */
static inline void ht_check_msg(const sea_err *err, const char *name, const char *n1, const char *n2,
                                const char *what)
{
    size_t nl = strlen(name);
    ck_assert_msg(strchr(err->msg, '\n') == NULL && strchr(err->msg, '\r') == NULL,
                  "%s: message is not one line: %s", what, err->msg);
    ck_assert_msg(strncmp(err->msg, name, nl) == 0 && err->msg[nl] == ':',
                  "%s: message does not begin with '%s:': %s", what, name, err->msg);
    if (n1) ck_assert_msg(strstr(err->msg, n1) != NULL, "%s: message lacks '%s': %s", what, n1, err->msg);
    if (n2) ck_assert_msg(strstr(err->msg, n2) != NULL, "%s: message lacks '%s': %s", what, n2, err->msg);
}

/* ---- files ---- */

/* A new empty directory under $TMPDIR (or /tmp); path in buf. */
static inline void ht_tmpdir(char *buf, size_t cap)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, cap, "%s/sea-hostile-XXXXXX", t && t[0] ? t : "/tmp");
    ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp: %s", strerror(errno));
}

/* Remove a directory tree (does not follow symbolic links). */
static inline void ht_rm_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    d = opendir(path);
    if (d) {
        while ((e = readdir(d)) != NULL) {
            char sub[4096];
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            ht_path(sub, sizeof sub, path, e->d_name);
            ht_rm_tree(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

/* Number of entries in a directory (without . and ..). */
static inline int ht_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

static inline void ht_write(const char *dir, const char *name, const void *data, size_t len)
{
    char path[4096];
    FILE *f;
    ht_path(path, sizeof path, dir, name);
    f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert(len == 0 || fwrite(data, 1, len, f) == len);
    ck_assert_int_eq(fclose(f), 0);
}

static inline void ht_write_str(const char *dir, const char *name, const char *text)
{
    ht_write(dir, name, text, strlen(text));
}

/* Whole file; caller frees. */
static inline unsigned char *ht_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p;
    long n;
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert(n >= 0);
    rewind(f);
    p = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(p);
    ck_assert((size_t)n == fread(p, 1, (size_t)n, f));
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* ---- allocation tracking (through sea_set_allocator) ----
 * Each block carries its size in a 16-byte header so that frees can be counted; setting
 * ht_fail_at = k makes the k-th allocation fail (the allocation-failure walk). */
static size_t ht_live, ht_peak, ht_largest;
static long ht_n_allocs, ht_fail_at; /* fail_at > 0: allocation number fail_at returns NULL */

static void *ht_malloc(size_t n, void *user)
{
    unsigned char *p;
    (void)user;
    if (++ht_n_allocs == ht_fail_at) return NULL;
    if (n > SIZE_MAX - 16) return NULL;
    if (n > ht_largest) ht_largest = n;
    p = malloc(n + 16);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    ht_live += n;
    if (ht_live > ht_peak) ht_peak = ht_live;
    return p + 16;
}

static void ht_free(void *q, void *user)
{
    size_t n;
    (void)user;
    if (!q) return;
    memcpy(&n, (unsigned char *)q - 16, sizeof n);
    ht_live -= n;
    free((unsigned char *)q - 16);
}

static void *ht_realloc(void *q, size_t n, void *user)
{
    void *p;
    size_t old;
    if (!q) return ht_malloc(n, user);
    memcpy(&old, (unsigned char *)q - 16, sizeof old);
    p = ht_malloc(n, user);
    if (!p) return NULL;
    memcpy(p, q, old < n ? old : n);
    ht_free(q, user);
    return p;
}

static inline void ht_track_allocations(void)
{
    static const sea_allocator a = {ht_malloc, ht_realloc, ht_free, NULL};
    ht_live = ht_peak = ht_largest = 0;
    ht_n_allocs = ht_fail_at = 0;
    sea_set_allocator(&a);
}

/* ---- warnings (through sea_set_log) ---- */
static char ht_warning[SEA_ERR_MSG_MAX];
static int ht_n_warnings;

static void ht_log(const char *msg, void *user)
{
    (void)user;
    snprintf(ht_warning, sizeof ht_warning, "%s", msg);
    ht_n_warnings++;
}

static inline void ht_capture_warnings(void)
{
    ht_warning[0] = '\0';
    ht_n_warnings = 0;
    sea_set_log(ht_log, NULL);
}

#endif /* SEA_TESTS_HOSTILE_H */
