/* sea/core.h: status codes, error reports, the allocator hook and element types.
 *
 * Conventions used by every sea header:
 *   - every fallible call returns sea_status (0 = SEA_OK, negative = error);
 *   - details of a failure go into a caller-provided sea_err (may be NULL), never a global;
 *   - matrices are row-major and contiguous unless a leading dimension is given; shapes are
 *     written in comments with the same letters everywhere: T tokens, d model width, d_ff MLP
 *     width, n_layer layers, n_head / n_kv_head heads, head_dim, n_vocab, N demonstrations;
 *   - output arguments come first;
 *   - whoever allocates frees: every returned pointer says who owns it.
 */
#ifndef SEA_CORE_H
#define SEA_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define SEA_API __attribute__((visibility("default")))
#define SEA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SEA_API
#define SEA_PRINTF(f, a)
#endif

#define SEA_VERSION_MAJOR 0
#define SEA_VERSION_MINOR 1
#define SEA_VERSION_PATCH 0

/* ---- status codes: one table generates the enum and sea_status_str() ---- */
#define SEA_STATUS_MAP(X)                                                          \
    X(OK, 0, "ok")                                                                 \
    X(ERR_ARG, -1, "invalid argument")                                             \
    X(ERR_NOMEM, -2, "out of memory")                                              \
    X(ERR_IO, -3, "input/output error")                                            \
    X(ERR_FORMAT, -4, "malformed input")                                           \
    X(ERR_UNSUPPORTED, -5, "unsupported feature")                                  \
    X(ERR_NOT_FOUND, -6, "not found")                                              \
    X(ERR_LIMIT, -7, "limit exceeded")                                             \
    X(ERR_NUMERIC, -8, "non-finite number")                                        \
    X(ERR_NO_CONVERGENCE, -9, "iteration did not converge")                        \
    X(ERR_MISMATCH, -10, "inputs do not match")                                    \
    X(ERR_INTERNAL, -11, "internal error")

typedef enum sea_status {
#define SEA__STATUS_ENUM(name, code, text) SEA_##name = code,
    SEA_STATUS_MAP(SEA__STATUS_ENUM)
#undef SEA__STATUS_ENUM
} sea_status;

/* Short English description of a status code (static string, never NULL). */
SEA_API const char *sea_status_str(sea_status s);

/* ---- error report ----
 * A caller-owned buffer that a failing call fills with one line naming the file and the
 * problem, e.g. "model.safetensors: tensor 'lm_head.weight': data_offsets [0, 12] do not
 * match shape [2, 2] x F32 (16 bytes)". Calls that succeed leave it untouched. */
#define SEA_ERR_MSG_MAX 512
typedef struct sea_err {
    sea_status status;
    char msg[SEA_ERR_MSG_MAX];
} sea_err;

/* Clear an error report (status SEA_OK, empty message). */
SEA_API void sea_err_clear(sea_err *err);
/* Fill an error report (when err is not NULL) with status and a printf-style message, made one
 * line (control characters become '?'); returns status, so an application can write
 * `return sea_err_set(err, SEA_ERR_ARG, "%s: ...", path)` in the library's own style. */
SEA_API sea_status sea_err_set(sea_err *err, sea_status status, const char *fmt, ...) SEA_PRINTF(3, 4);
/* Prepend "prefix: " to the message already in err (no-op for NULL), e.g. a file name. */
SEA_API void sea_err_prefix(sea_err *err, const char *fmt, ...) SEA_PRINTF(2, 3);

/* ---- allocator hook ----
 * All memory the library allocates goes through these functions (default: libc). Used by
 * embedders and by the allocation-failure tests. Not thread-safe to change while the library
 * is in use; set it once at start-up. Passing NULL restores libc. */
typedef struct sea_allocator {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} sea_allocator;

SEA_API void sea_set_allocator(const sea_allocator *a);
/* Free memory that the library returned with "caller frees with sea_free". */
SEA_API void sea_free(void *p);

/* ---- buffer cache ----
 * The numerical code (sea_fit, the SVDs, the products) keeps the large work arrays it frees
 * (from 1 MiB up, huge-page backed) for the next call instead of returning them to the
 * system: by default up to SEA_BUFFER_CACHE_DEFAULT (512 MiB), released by
 * sea_release_buffers() (and by sea_set_allocator(), to the allocator that gave them).
 * sea_set_buffer_cache(0) disables the cache; any other value bounds it (and releases what
 * is cached). Both may be called at any time from any thread. */
#define SEA_BUFFER_CACHE_DEFAULT ((size_t)512 << 20)
SEA_API void sea_release_buffers(void);
SEA_API void sea_set_buffer_cache(size_t max_bytes);

/* ---- warnings ----
 * Non-fatal conditions (a projection fitted at another site, a config key that is ignored)
 * are reported through this hook. Default: "sea: warning: ..." on stderr. NULL silences. */
typedef void (*sea_log_fn)(const char *msg, void *user);
SEA_API void sea_set_log(sea_log_fn fn, void *user);
SEA_API void sea_set_log_default(void);
/* How much goes to the hook. SEA_LOG_WARN (the default): warnings only. SEA_LOG_TRACE adds
 * diagnostics for benchmarking: the time of each phase of each layer of sea_fit and the
 * statistics of each Jacobi sweep (lines starting "fit: " and "jacobi "; the default hook
 * prints them as "sea fit: ..." and "sea jacobi ..." without the warning prefix). The library
 * never reads the environment; the sea tool sets SEA_LOG_TRACE when SEA_FIT_TRACE is set. */
typedef enum sea_log_level { SEA_LOG_WARN = 0, SEA_LOG_TRACE = 1 } sea_log_level;
SEA_API void sea_set_log_level(sea_log_level level);
SEA_API sea_log_level sea_log_get_level(void);

/* ---- growable text buffer ----
 * What the library uses to build JSON and file headers, for applications to write output the
 * same way (the sea tool's --json output). Initialise with sea_buf_init (or zero it); every
 * append returns 0 or -1 when memory ran out, after which `failed` stays set and further
 * appends do nothing, so a caller may check once at the end. data is NUL-terminated after any
 * append; sea_buf_cstr returns "" for an empty buffer. Free with sea_buf_free. */
typedef struct sea_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed; /* sticky: an append ran out of memory */
} sea_buf;
SEA_API void sea_buf_init(sea_buf *b);
SEA_API void sea_buf_free(sea_buf *b);
SEA_API int sea_buf_append(sea_buf *b, const void *data, size_t n);
SEA_API int sea_buf_puts(sea_buf *b, const char *s);
SEA_API int sea_buf_putc(sea_buf *b, char c);
SEA_API int sea_buf_printf(sea_buf *b, const char *fmt, ...) SEA_PRINTF(2, 3);
/* s[0..n) as a JSON string literal (quotes and escapes included). */
SEA_API int sea_buf_json_string(sea_buf *b, const char *s, size_t n);
/* A double as JSON: the shortest form that reads back to the same value; NaN and infinities
 * as null. */
SEA_API int sea_buf_json_double(sea_buf *b, double v);
SEA_API const char *sea_buf_cstr(sea_buf *b);

/* ---- files ----
 * Read a whole regular file of at most max_bytes (larger: SEA_ERR_LIMIT; not a regular file:
 * SEA_ERR_IO) into a NUL-terminated buffer the caller frees with sea_free; *out_len (may be
 * NULL) gets the length. Errors name the path. */
SEA_API sea_status sea_read_file(char **out, size_t *out_len, const char *path, size_t max_bytes,
                                 sea_err *err);
/* Write a file atomically: the bytes go to a temporary in the same directory, renamed over
 * path only when all of them are written; on failure nothing is left behind. */
SEA_API sea_status sea_write_file_atomic(const char *path, const void *data, size_t len, sea_err *err);

/* ---- element types of tensors (safetensors names) ---- */
#define SEA_DTYPE_MAP(X)    \
    X(BOOL, "BOOL", 1)      \
    X(U8, "U8", 1)          \
    X(I8, "I8", 1)          \
    X(I16, "I16", 2)        \
    X(U16, "U16", 2)        \
    X(F16, "F16", 2)        \
    X(BF16, "BF16", 2)      \
    X(I32, "I32", 4)        \
    X(U32, "U32", 4)        \
    X(F32, "F32", 4)        \
    X(I64, "I64", 8)        \
    X(U64, "U64", 8)        \
    X(F64, "F64", 8)

typedef enum sea_dtype {
#define SEA__DTYPE_ENUM(name, str, size) SEA_DTYPE_##name,
    SEA_DTYPE_MAP(SEA__DTYPE_ENUM)
#undef SEA__DTYPE_ENUM
    SEA_DTYPE_COUNT,
    /* GGUF block-quantized weights (never in a safetensors file): sea_dtype_size gives 0 for
     * them (bytes are per block: sea_dtype_block_bytes). */
    SEA_DTYPE_Q8_0 = 64, /* 32 int8 + an f16 scale per block (34 bytes) */
    SEA_DTYPE_Q4_0,      /* 32 4-bit + an f16 scale per block (18 bytes) */
    SEA_DTYPE_Q4_K,      /* 256 4-bit in 8 scaled sub-blocks with mins (144 bytes) */
    SEA_DTYPE_Q6_K       /* 256 6-bit in 16 scaled sub-blocks (210 bytes) */
} sea_dtype;

/* Name as written in safetensors headers ("F32"), or "?" for an out-of-range value. */
SEA_API const char *sea_dtype_name(sea_dtype t);
/* Bytes per element (0 for an out-of-range value). */
SEA_API size_t sea_dtype_size(sea_dtype t);
/* Block-quantized types: elements per block and bytes per block (0 for other types). */
SEA_API int sea_dtype_block(sea_dtype t);
SEA_API size_t sea_dtype_block_bytes(sea_dtype t);
/* Parse a safetensors dtype name (exact, case-sensitive). Returns SEA_ERR_NOT_FOUND if unknown. */
SEA_API sea_status sea_dtype_parse(sea_dtype *out, const char *name, size_t len);

/* ---- half-precision conversions (scalar; kernels have vector versions) ---- */
SEA_API float sea_f16_to_f32(uint16_t h);
SEA_API float sea_bf16_to_f32(uint16_t h);
SEA_API uint16_t sea_f32_to_f16(float f);  /* round to nearest even */
SEA_API uint16_t sea_f32_to_bf16(float f); /* round to nearest even, NaN kept quiet */

/* Kernel family chosen for this CPU: "avx512", "avx2", "neon" or "scalar" (sea_set_simd can
 * lower it). */
SEA_API const char *sea_simd_name(void);
/* Cap the kernel family at "scalar", "neon", "avx2" or "avx512" (the best one the CPU has up
 * to that); for comparisons and benchmarks (the sea tool reads SEA_SIMD). Call it before any
 * other call of the library, from one thread. SEA_ERR_ARG for another name. */
SEA_API sea_status sea_set_simd(const char *name, sea_err *err);

/* Threads a call uses when its n_threads is 0: what OpenMP would use (the processors this
 * process may run on, or OMP_NUM_THREADS); 1 in a build without OpenMP. */
SEA_API int sea_default_threads(void);

/* Version string "MAJOR.MINOR.PATCH". */
SEA_API const char *sea_version(void);

#ifdef __cplusplus
}
#endif
#endif /* SEA_CORE_H */
