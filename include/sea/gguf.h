/* include/sea/gguf.h: GGUF files (versions 2 and 3): a validating reader over a mapped file
 * image and a writer. The layout and every check are stated in doc/FORMATS.md.
 *
 * The reader checks the whole header before handing anything out: magic, version, counts and
 * string lengths against the bytes left (before allocating), every metadata type (nested
 * arrays refused), unique keys and tensor names, general.alignment (a power of two), tensor
 * ranks, types and shapes (the row length a multiple of the type's block), offsets aligned,
 * data inside the file and no two tensors overlapping. Failures are one line naming the file. */
#ifndef SEA_GGUF_H
#define SEA_GGUF_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* metadata value types (the file's numbering) */
typedef enum sea_gguf_vtype {
    SEA_GGUF_U8 = 0, SEA_GGUF_I8 = 1, SEA_GGUF_U16 = 2, SEA_GGUF_I16 = 3, SEA_GGUF_U32 = 4,
    SEA_GGUF_I32 = 5, SEA_GGUF_F32 = 6, SEA_GGUF_BOOL = 7, SEA_GGUF_STRING = 8,
    SEA_GGUF_ARRAY = 9, SEA_GGUF_U64 = 10, SEA_GGUF_I64 = 11, SEA_GGUF_F64 = 12
} sea_gguf_vtype;

/* tensor types (the file's numbering) that sea reads or writes */
#define SEA_GGML_F32 0
#define SEA_GGML_F16 1
#define SEA_GGML_Q4_0 2
#define SEA_GGML_Q8_0 8
#define SEA_GGML_Q4_K 12
#define SEA_GGML_Q6_K 14
#define SEA_GGML_BF16 30

/* a string in the file image: not NUL-terminated, may hold any bytes */
typedef struct sea_gguf_str {
    const char *s;
    uint64_t len;
} sea_gguf_str;

typedef struct sea_gguf_kv {
    const char *key;       /* NUL-terminated copy */
    sea_gguf_vtype type;
    sea_gguf_vtype elem;   /* arrays: element type (never ARRAY) */
    uint64_t n;            /* arrays: element count */
    union {
        uint64_t u;        /* U8..U64, BOOL */
        int64_t i;         /* I8..I64 */
        double f;          /* F32, F64 */
    } v;
    sea_gguf_str str;      /* STRING */
    const unsigned char *arr;  /* arrays of numbers: n packed little-endian elements */
    const sea_gguf_str *strs;  /* arrays of strings: n strings */
} sea_gguf_kv;

#define SEA_GGUF_MAX_DIMS 4

typedef struct sea_gguf_tensor {
    const char *name;      /* NUL-terminated copy */
    uint32_t ggml_type;
    sea_dtype dtype;       /* SEA_DTYPE_COUNT for a valid type sea does not compute with */
    int rank;
    uint64_t ne[SEA_GGUF_MAX_DIMS]; /* ne[0] is the row length (innermost); unused dims 1 */
    uint64_t offset;       /* from the start of the data section */
    uint64_t nbytes;
    const void *data;
} sea_gguf_tensor;

typedef struct sea_gguf sea_gguf;

SEA_API sea_status sea_gguf_open(sea_gguf **out, const char *path, sea_err *err);
/* Validate an image already in memory (not copied; `data` must outlive the handle). */
SEA_API sea_status sea_gguf_open_memory(sea_gguf **out, const void *data, size_t len, const char *name,
                                        sea_err *err);
SEA_API void sea_gguf_close(sea_gguf *g);
SEA_API const char *sea_gguf_path(const sea_gguf *g);
SEA_API uint32_t sea_gguf_version(const sea_gguf *g);
SEA_API uint64_t sea_gguf_alignment(const sea_gguf *g);
SEA_API size_t sea_gguf_file_size(const sea_gguf *g);

SEA_API size_t sea_gguf_kv_count(const sea_gguf *g);
SEA_API const sea_gguf_kv *sea_gguf_kv_at(const sea_gguf *g, size_t i);
SEA_API const sea_gguf_kv *sea_gguf_find_kv(const sea_gguf *g, const char *key);
SEA_API size_t sea_gguf_tensor_count(const sea_gguf *g);
SEA_API const sea_gguf_tensor *sea_gguf_tensor_at(const sea_gguf *g, size_t i);
SEA_API const sea_gguf_tensor *sea_gguf_find_tensor(const sea_gguf *g, const char *name);

/* Typed look-ups. Absent keys give SEA_ERR_NOT_FOUND (message set); a present key of the
 * wrong type, a negative or non-integral value where an integer is asked gives SEA_ERR_FORMAT. */
SEA_API sea_status sea_gguf_get_u64(const sea_gguf *g, const char *key, uint64_t *out, sea_err *err);
SEA_API sea_status sea_gguf_get_f64(const sea_gguf *g, const char *key, double *out, sea_err *err);
SEA_API sea_status sea_gguf_get_str(const sea_gguf *g, const char *key, sea_gguf_str *out, sea_err *err);
/* Element i of an array of numbers as double / int64 (0 when out of range or not numeric). */
SEA_API double sea_gguf_arr_f64(const sea_gguf_kv *kv, uint64_t i);
SEA_API int64_t sea_gguf_arr_i64(const sea_gguf_kv *kv, uint64_t i);

/* The file's tensor type for a sea dtype (-1 if none) and back (SEA_DTYPE_COUNT if none). */
SEA_API int sea_gguf_type_of(sea_dtype t);
SEA_API sea_dtype sea_gguf_dtype_of(uint32_t ggml_type);

/* ---- block-quantized types (SEA_DTYPE_Q8_0, Q4_0, Q4_K, Q6_K) ----
 * n floats (a multiple of sea_dtype_block(t)) to blocks with the format's reference rounding,
 * and blocks back to floats. SEA_ERR_ARG for another type or a partial block. */
SEA_API sea_status sea_quantize(sea_dtype t, void *dst, const float *src, size_t n, sea_err *err);
SEA_API sea_status sea_dequantize(sea_dtype t, float *dst, const void *src, size_t n, sea_err *err);

/* ---- writer: metadata and tensors collected, then written atomically ---- */
typedef struct sea_gguf_writer sea_gguf_writer;

SEA_API sea_status sea_gguf_writer_new(sea_gguf_writer **out, sea_err *err);
SEA_API void sea_gguf_writer_free(sea_gguf_writer *w);
SEA_API sea_status sea_gguf_put_u32(sea_gguf_writer *w, const char *key, uint32_t v, sea_err *err);
SEA_API sea_status sea_gguf_put_i32(sea_gguf_writer *w, const char *key, int32_t v, sea_err *err);
SEA_API sea_status sea_gguf_put_f32(sea_gguf_writer *w, const char *key, float v, sea_err *err);
SEA_API sea_status sea_gguf_put_bool(sea_gguf_writer *w, const char *key, int v, sea_err *err);
SEA_API sea_status sea_gguf_put_str(sea_gguf_writer *w, const char *key, const char *s, size_t len, sea_err *err);
/* Arrays: numbers of type elem (packed little-endian by the caller's host order, n elements),
 * or n strings (lens[i] bytes each). */
SEA_API sea_status sea_gguf_put_arr(sea_gguf_writer *w, const char *key, sea_gguf_vtype elem, const void *vals,
                                    uint64_t n, sea_err *err);
SEA_API sea_status sea_gguf_put_arr_str(sea_gguf_writer *w, const char *key, const char *const *strs,
                                        const size_t *lens, uint64_t n, sea_err *err);
/* A tensor: rows x cols (cols innermost) of dtype, data copied (nbytes must match). */
SEA_API sea_status sea_gguf_add_tensor(sea_gguf_writer *w, const char *name, sea_dtype dtype, uint64_t rows,
                                       uint64_t cols, const void *data, size_t nbytes, sea_err *err);
/* rank-1 tensor of n elements */
SEA_API sea_status sea_gguf_add_vector(sea_gguf_writer *w, const char *name, sea_dtype dtype, uint64_t n,
                                       const void *data, size_t nbytes, sea_err *err);
SEA_API sea_status sea_gguf_write(sea_gguf_writer *w, const char *path, sea_err *err);

/* ---- conversion: a Hugging Face Llama directory to GGUF (`sea quantize`) ----
 * type: "q8_0", "q4_0", "q4_k_m", "bf16" or "f32" (which tensor gets which type:
 * doc/FORMATS.md). The file is written atomically. */
SEA_API sea_status sea_gguf_convert(const char *model_dir, const char *type, const char *out_path, sea_err *err);

#ifdef __cplusplus
}
#endif

#endif /* SEA_GGUF_H */
