/* fuzz/fuzz.h: helpers shared by the fuzz targets (fuzz/fuzz_*.c): the oracle every failing
 * call must satisfy (a known negative status and a one-line, non-empty message), a private
 * temporary directory for the readers that take paths, and the multi-file input format of the
 * targets that read a directory.
 *
 * Multi-file inputs: the bytes before the first separator "\n--8<--\n" are the target's main
 * file (config.json, tokenizer.json, model.safetensors.index.json); every later part is
 * "NAME\nCONTENT", another file of the directory. Names that are not plain file names are
 * ignored, so an input can never write outside the temporary directory.
 *
 * A target that finds a broken invariant calls fz_fail, which aborts: libFuzzer and the replay
 * driver both report it as a crash with the message. FUZZ_DEBUG=1 in the environment prints
 * the outcome of each input's main reader call (to see what an input exercises). */
#ifndef SEA_FUZZ_H
#define SEA_FUZZ_H

#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_SEP "\n--8<--\n"
#define FZ_SEP_LEN 8
#define FZ_MAX_PARTS 16
#define FZ_MAX_NAME 64

static inline void fz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz invariant broken: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* A failing call: status is one of the codes of SEA_STATUS_MAP, err holds the same status
 * and one non-empty line. A successful call: SEA_OK. */
static inline void fz_check_status(sea_status st, const sea_err *err, const char *what)
{
    if (st == SEA_OK) return;
    if (st < SEA_ERR_INTERNAL || st > SEA_ERR_ARG) fz_fail(what, "status outside the table");
    if (st == SEA_ERR_INTERNAL) fz_fail(what, err->msg); /* input must never reach an internal error */
    if (err->status != st) fz_fail(what, "err.status differs from the returned status");
    if (err->msg[0] == '\0') fz_fail(what, "empty error message");
    for (const char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) fz_fail(what, "error message is not one printable line");
}

/* The same for the call a target is about (its reader), whose outcome FUZZ_DEBUG prints. */
static inline void fz_check_main(sea_status st, const sea_err *err, const char *what)
{
    static int debug = -1;
    if (debug < 0) debug = getenv("FUZZ_DEBUG") != NULL;
    if (debug) fprintf(stderr, "%s: %s%s\n", what, st == SEA_OK ? "ok" : "error: ", st == SEA_OK ? "" : err->msg);
    fz_check_status(st, err, what);
}

/* Warnings go nowhere (libFuzzer wants quiet targets); called once per input, cheap. */
static inline void fz_quiet(void)
{
    sea_set_log(NULL, NULL);
}

/* ---- temporary directory ---- */
static char fz_dir[256];
static char fz_written[FZ_MAX_PARTS + 2][FZ_MAX_NAME + 1];
static int fz_n_written;

static inline void fz_cleanup(void);

static inline void fz_rm_dir(void)
{
    fz_cleanup();
    if (fz_dir[0]) rmdir(fz_dir);
}

static inline const char *fz_tmpdir(void)
{
    if (!fz_dir[0]) {
        const char *t = getenv("TMPDIR");
        struct stat st;
        if (!(t && t[0])) t = (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
                                  ? "/dev/shm"
                                  : "/tmp";
        snprintf(fz_dir, sizeof fz_dir, "%s/sea-fuzz-XXXXXX", t);
        if (!mkdtemp(fz_dir)) {
            fprintf(stderr, "fuzz: mkdtemp %s: %s\n", fz_dir, strerror(errno));
            abort();
        }
        atexit(fz_rm_dir);
    }
    return fz_dir;
}

/* dir/name into buf */
static inline void fz_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%.64s", fz_tmpdir(), name);
}

/* Write a file into the temporary directory (removed by fz_cleanup). */
static inline void fz_write(const char *name, const void *data, size_t len)
{
    char path[512];
    FILE *f;
    fz_path(path, sizeof path, name);
    f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
    if (fz_n_written < FZ_MAX_PARTS + 2) {
        snprintf(fz_written[fz_n_written], sizeof fz_written[0], "%s", name);
        fz_n_written++;
    }
}

/* Remove every file written for the current input (and anything a reader left behind). */
static inline void fz_cleanup(void)
{
    char path[512];
    for (int i = 0; i < fz_n_written; i++) {
        fz_path(path, sizeof path, fz_written[i]);
        unlink(path);
    }
    fz_n_written = 0;
}

/* ---- multi-file inputs ---- */
typedef struct fz_part {
    char name[FZ_MAX_NAME + 1]; /* "" for the main file */
    const uint8_t *data;
    size_t len;
} fz_part;

static inline const uint8_t *fz_find(const uint8_t *p, size_t n, const char *needle, size_t nl)
{
    for (size_t i = 0; n >= nl && i <= n - nl; i++)
        if (p[i] == (uint8_t)needle[0] && memcmp(p + i, needle, nl) == 0) return p + i;
    return NULL;
}

static inline int fz_plain_name(const char *s, size_t n)
{
    if (n == 0 || n > FZ_MAX_NAME) return 0;
    if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == '\\' || (unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
    return 1;
}

/* Split an input; returns the number of parts (part 0 is the main file, possibly empty). */
static inline int fz_split(fz_part *parts, const uint8_t *data, size_t size)
{
    int n = 0;
    const uint8_t *p = data, *end = data + size;
    for (;;) {
        const uint8_t *s = fz_find(p, (size_t)(end - p), FZ_SEP, FZ_SEP_LEN);
        const uint8_t *stop = s ? s : end;
        fz_part *q = &parts[n];
        if (n == 0) {
            q->name[0] = '\0';
            q->data = p;
            q->len = (size_t)(stop - p);
            n++;
        } else {
            const uint8_t *nl = memchr(p, '\n', (size_t)(stop - p));
            size_t name_len = nl ? (size_t)(nl - p) : (size_t)(stop - p);
            if (fz_plain_name((const char *)p, name_len)) {
                memcpy(q->name, p, name_len);
                q->name[name_len] = '\0';
                q->data = nl ? nl + 1 : stop;
                q->len = (size_t)(stop - q->data);
                n++;
            }
        }
        if (!s || n == FZ_MAX_PARTS) break;
        p = s + FZ_SEP_LEN;
    }
    return n;
}

/* Write parts 1.. under their names and part 0 under main_name (unless it is empty). A later
 * part with the name of an earlier one replaces it. */
static inline void fz_write_parts(const fz_part *parts, int n, const char *main_name)
{
    if (parts[0].len) fz_write(main_name, parts[0].data, parts[0].len);
    for (int i = 1; i < n; i++) fz_write(parts[i].name, parts[i].data, parts[i].len);
}

/* Whole input to one file in the temporary directory; path in buf. */
static inline void fz_write_input(char *buf, size_t cap, const char *name, const uint8_t *data, size_t size)
{
    fz_write(name, data, size);
    fz_path(buf, cap, name);
}

#endif /* SEA_FUZZ_H */
