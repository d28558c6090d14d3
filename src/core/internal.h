/* src/core/internal.h: helpers shared by every part of the library (not installed).
 * Allocation through the hook, error reports, overflow-checked sizes, a growable byte
 * buffer, whole-file reading with a cap, and path helpers. */
#ifndef SEA_CORE_INTERNAL_H
#define SEA_CORE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "sea/core.h"

/* ---- allocation (through the sea_set_allocator hook) ---- */
void *sea__malloc(size_t n);
void *sea__calloc(size_t count, size_t size); /* overflow-checked, zeroed */
void *sea__realloc(void *p, size_t n);
void sea__free(void *p);
char *sea__strdup(const char *s);
char *sea__strndup(const char *s, size_t n);
/* malloc of count*size with an overflow check; NULL on overflow or failure. */
void *sea__malloc_array(size_t count, size_t size);
/* Large arrays advised to use huge pages before their first touch (bigmem.c); freed with
 * sea__free. _calloc_big zeroes. sea__advise_huge advises an existing range (no-op elsewhere). */
void *sea__malloc_big(size_t count, size_t size);
void *sea__calloc_big(size_t count, size_t size);
void sea__advise_huge(void *p, size_t bytes);
/* Work arrays of the numerical code (linalg/, the fit), allocated and freed many times per
 * call: from 1 MiB up they start on a 2 MiB boundary and every page of them is a huge page
 * from its first touch (no 4 KiB pages at the ends, which on the development VM cost ~30x
 * more per byte to fault in), and freed ones are kept for reuse (the buffer cache, bigmem.c;
 * sea_release_buffers). Freed with sea__work_free only (a header just before the array keeps
 * the allocator's pointer). _work_calloc zeroes. sea__work_cached: bytes the cache holds. */
void *sea__work_alloc(size_t count, size_t size);
void *sea__work_calloc(size_t count, size_t size);
void sea__work_free(void *p);
size_t sea__work_cached(void);

/* ---- error reports ----
 * sea__err returns `status` so callers can write `return sea__err(err, SEA_ERR_FORMAT, ...)`.
 * sea__err_prefix prepends "prefix: " to an existing message (used to add a file name). */
sea_status sea__err(sea_err *err, sea_status status, const char *fmt, ...) SEA_PRINTF(3, 4);
sea_status sea__verr(sea_err *err, sea_status status, const char *fmt, va_list ap);
void sea__err_prefix(sea_err *err, const char *fmt, ...) SEA_PRINTF(2, 3);
/* "out of memory" helper naming what was being allocated. */
sea_status sea__err_nomem(sea_err *err, const char *what);

/* ---- overflow-checked size arithmetic: return 0 on success, 1 on overflow ---- */
static inline int sea__mul_size(size_t *out, size_t a, size_t b)
{
    if (a != 0 && b > SIZE_MAX / a) return 1;
    *out = a * b;
    return 0;
}
static inline int sea__add_size(size_t *out, size_t a, size_t b)
{
    if (b > SIZE_MAX - a) return 1;
    *out = a + b;
    return 0;
}
static inline int sea__mul_u64(uint64_t *out, uint64_t a, uint64_t b)
{
    if (a != 0 && b > UINT64_MAX / a) return 1;
    *out = a * b;
    return 0;
}
static inline int sea__add_u64(uint64_t *out, uint64_t a, uint64_t b)
{
    if (b > UINT64_MAX - a) return 1;
    *out = a + b;
    return 0;
}

/* ---- little-endian loads/stores (any host) ---- */
static inline uint64_t sea__load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}
static inline void sea__store_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* ---- growable byte buffer (struct sea_buf in sea/core.h; sea_buf_* are the public names) ---- */

/* one implementation: the library's names are the public functions (sea/core.h) */
#define sea__buf_init sea_buf_init
#define sea__buf_free sea_buf_free
#define sea__buf_append sea_buf_append
#define sea__buf_puts sea_buf_puts
#define sea__buf_putc sea_buf_putc
#define sea__buf_printf sea_buf_printf
#define sea__buf_json_string sea_buf_json_string
#define sea__buf_json_double sea_buf_json_double
#define sea__buf_cstr sea_buf_cstr
int sea__buf_reserve(sea_buf *b, size_t extra); /* 0 ok, -1 no memory */

/* ---- files ---- */
/* A file written atomically: bytes go to a temporary next to `path`; commit renames it into
 * place, abort (or a failed write) removes it, so readers never see half a file. */
typedef struct sea_afile {
    int fd;
    char *tmp;  /* temporary path */
    char *path; /* final path */
} sea_afile;
sea_status sea__afile_open(sea_afile *f, const char *path, sea_err *err);
sea_status sea__afile_write(sea_afile *f, const void *data, size_t len, sea_err *err);
sea_status sea__afile_commit(sea_afile *f, sea_err *err);
void sea__afile_abort(sea_afile *f);

/* Read a whole regular file of at most max_bytes into a NUL-terminated buffer that the caller
 * frees with sea__free. Errors name the path. */
sea_status sea__read_file(char **out, size_t *out_len, const char *path, size_t max_bytes,
                          sea_err *err);
/* Write a file atomically: data goes to "path.tmp-XXXXXX" in the same directory, which is
 * renamed over `path` only when every byte is written and flushed. */
sea_status sea__write_file_atomic(const char *path, const void *data, size_t len, sea_err *err);
/* Join a directory and a file name with one '/'; caller frees with sea__free. NULL on OOM. */
char *sea__path_join(const char *dir, const char *name);
/* Last path component (pointer into `path`). */
const char *sea__basename(const char *path);
/* True if `name` is a plain file name: non-empty, no '/', '\\', NUL, not "." or "..". */
int sea__is_plain_filename(const char *name, size_t len);
int sea__file_exists(const char *path);

/* ---- SHA-256 (for provenance fields in metadata) ---- */
void sea__sha256(unsigned char out[32], const void *data, size_t len);
void sea__sha256_hex(char out[65], const void *data, size_t len);

/* ---- warnings (through the sea_set_log hook; stderr by default) ---- */
void sea__warn(const char *fmt, ...) SEA_PRINTF(1, 2);
/* Diagnostics at SEA_LOG_TRACE (sea_set_log_level): sea__tracing() says whether they are on;
 * sea__trace sends one line to the hook when they are. */
int sea__tracing(void);
void sea__trace(const char *fmt, ...) SEA_PRINTF(1, 2);

/* ---- time (clock.c) ----
 * sea__now: monotonic seconds. sea__phase_clock: the same while tracing is on, else -1 (the
 * phase timers of sea_fit and the Jacobi SVD: `t = sea__phase_clock(); ...; if (t >= 0) ...`). */
double sea__now(void);
double sea__phase_clock(void);
/* End of a phase started at *t (from sea__phase_clock): 1 with *dt its length and *t moved to
 * now while tracing, else 0. */
int sea__phase_lap(double *t, double *dt);

/* ---- random numbers (rng.c): xoshiro256** seeded by splitmix64, the same stream on every
 * platform; Box-Muller normals ---- */
typedef struct sea__rng {
    uint64_t s[4];
    int has_spare;
    double spare;
} sea__rng;
void sea__rng_seed(sea__rng *r, uint64_t seed);
uint64_t sea__rng_u64(sea__rng *r);
double sea__rng_unit(sea__rng *r);    /* [0, 1), 53 bits */
double sea__rng_uniform(sea__rng *r); /* (0, 1) */
double sea__rng_normal(sea__rng *r);
/* x[0..n) = +-1 with equal probability (Rademacher), 64 per draw */
void sea__rng_signs(double *x, size_t n, sea__rng *r);

/* ---- threads (threads.c) ----
 * sea__threads: the threads a parallel loop uses for a requested n_threads (0: the default,
 * sea_default_threads(); 1 in a build without OpenMP). sea__split_workers: how a batch of
 * n_items independent items is spread over workers with their own contexts (trace, eval):
 * on a model below SEA_SMALL_MODEL_BYTES one worker per thread (at most one per item), else
 * one worker with every thread. */
#define SEA_SMALL_MODEL_BYTES ((uint64_t)256 << 20)
int sea__threads(int n_threads);
void sea__split_workers(int *n_workers, int *threads_each, int n_threads, size_t n_items, uint64_t model_bytes);

/* ---- misc ---- */
#define SEA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEA_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SEA_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Internal invariant (never used for input validation): aborts with a message. */
#define SEA_ASSERT(c) ((c) ? (void)0 : sea__assert_fail(#c, __FILE__, __LINE__))
void sea__assert_fail(const char *expr, const char *file, int line);

#endif /* SEA_CORE_INTERNAL_H */
