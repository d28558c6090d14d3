/* sea/safetensors.h: reading and writing safetensors files.
 *
 * Reading maps the file (mmap, zero-copy) and validates it completely at open time, as the
 * reference implementation does and more: header length against the file size and a 100 MB
 * cap, strict JSON (no duplicate names or fields, no unknown fields), known dtypes, rank at
 * most 8, offsets contiguous from 0 with no gap, overlap or trailing bytes, and shape x dtype
 * size equal to the byte span, all in overflow-checked 64-bit arithmetic. A file that opens
 * can be read without further checks.
 *
 * A model checkpoint may be one file or several shards listed by model.safetensors.index.json;
 * sea_st_dir presents both as one set of tensors. Shard names must be plain file names inside
 * the model directory.
 *
 * Tensor data is little-endian, row-major; pointers into the mapping may be unaligned in files
 * written before 2023 (check sea_st_tensor.data alignment before casting). */
#ifndef SEA_SAFETENSORS_H
#define SEA_SAFETENSORS_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SEA_ST_MAX_RANK 8
#define SEA_ST_MAX_HEADER 100000000u /* bytes, as the reference implementation */
#define SEA_ST_MAX_NAME 4096         /* bytes in a tensor name */
#define SEA_ST_MAX_SHARDS 4096

typedef struct sea_st_tensor {
    const char *name;      /* borrowed, NUL-terminated, no NUL inside */
    sea_dtype dtype;       /* SEA_DTYPE_COUNT if the dtype is valid safetensors but not
                              one sea computes with (F8_*, F4, C64, ...): see dtype_name */
    const char *dtype_name;/* as written in the header */
    int rank;
    uint64_t shape[SEA_ST_MAX_RANK];
    uint64_t n_elements;
    uint64_t nbytes;
    const void *data;      /* into the mapping: read-only, valid until close */
    int shard;             /* index of the file it lives in (0 for a single file) */
} sea_st_tensor;

/* ---- one file ---- */
typedef struct sea_st_file sea_st_file;

/* Map and validate a file. Errors name the file: "x.safetensors: header length 4294967296
 * exceeds the file size (120 bytes)". */
SEA_API sea_status sea_st_open(sea_st_file **out, const char *path, sea_err *err);
/* Validate a file image already in memory (not copied: `data` must outlive the handle).
 * `name` is used in messages. Used by the fuzzers and tests. */
SEA_API sea_status sea_st_open_memory(sea_st_file **out, const void *data, size_t len,
                                      const char *name, sea_err *err);
SEA_API void sea_st_close(sea_st_file *f);

SEA_API const char *sea_st_file_path(const sea_st_file *f);
/* Tensors, sorted by name. */
SEA_API size_t sea_st_count(const sea_st_file *f);
SEA_API const sea_st_tensor *sea_st_at(const sea_st_file *f, size_t i);
/* Tensor by exact name, or NULL (binary search). */
SEA_API const sea_st_tensor *sea_st_find(const sea_st_file *f, const char *name);
/* __metadata__ entries (string to string). Value by key, or NULL. */
SEA_API size_t sea_st_metadata_count(const sea_st_file *f);
SEA_API void sea_st_metadata_at(const sea_st_file *f, size_t i, const char **key, const char **value);
SEA_API const char *sea_st_metadata(const sea_st_file *f, const char *key);

/* Check a tensor's dtype and shape; on mismatch, an error naming the file and tensor:
 * "acts.safetensors: tensor 'base' has shape [48, 6], expected [48, 6, 256]". A dim of
 * SEA_ST_ANY in `shape` matches anything. */
#define SEA_ST_ANY UINT64_MAX
SEA_API sea_status sea_st_expect(const sea_st_file *f, const sea_st_tensor *t, sea_dtype dtype,
                                 int rank, const uint64_t *shape, sea_err *err);

/* Read a tensor of dtype F32, F16, BF16 or F64 as float (dst has t->n_elements). Handles
 * unaligned data. */
SEA_API sea_status sea_st_read_f32(float *dst, const sea_st_tensor *t, sea_err *err);
/* Read an integer tensor (I64, I32, I16, I8, U8, U16, U32, BOOL) as int64. */
SEA_API sea_status sea_st_read_i64(int64_t *dst, const sea_st_tensor *t, sea_err *err);

/* ---- a model checkpoint: one file or shards ---- */
typedef struct sea_st_dir sea_st_dir;

/* Open DIR/model.safetensors, or DIR/model.safetensors.index.json and every shard it names.
 * The index is checked: plain shard names, every listed shard present, every tensor in the
 * shard the index names and in no other, no tensor missing from the index. */
SEA_API sea_status sea_st_dir_open(sea_st_dir **out, const char *dir, sea_err *err);
SEA_API void sea_st_dir_close(sea_st_dir *d);
SEA_API size_t sea_st_dir_count(const sea_st_dir *d);
SEA_API const sea_st_tensor *sea_st_dir_at(const sea_st_dir *d, size_t i); /* sorted by name */
SEA_API const sea_st_tensor *sea_st_dir_find(const sea_st_dir *d, const char *name);
/* The file a tensor lives in (for messages). */
SEA_API const char *sea_st_dir_file_of(const sea_st_dir *d, const sea_st_tensor *t);
SEA_API size_t sea_st_dir_n_files(const sea_st_dir *d);
/* Total bytes of tensor data. */
SEA_API uint64_t sea_st_dir_data_bytes(const sea_st_dir *d);

/* ---- writing ---- */
typedef struct sea_st_writer sea_st_writer;

SEA_API sea_status sea_st_writer_new(sea_st_writer **out, sea_err *err);
SEA_API void sea_st_writer_free(sea_st_writer *w);
/* Add a tensor. The data is borrowed: it must stay valid until sea_st_writer_save returns.
 * Names must be unique. */
SEA_API sea_status sea_st_writer_add(sea_st_writer *w, const char *name, sea_dtype dtype, int rank,
                                     const uint64_t *shape, const void *data, sea_err *err);
/* Same, but the writer keeps its own copy of the data. */
SEA_API sea_status sea_st_writer_add_copy(sea_st_writer *w, const char *name, sea_dtype dtype,
                                          int rank, const uint64_t *shape, const void *data,
                                          sea_err *err);
/* Same, but the data is produced at save time, in chunks, by `fill` (for files larger than
 * memory, e.g. random-weight models): fill(user, dst, offset, nbytes, err) writes bytes
 * [offset, offset + nbytes) of the tensor into dst. */
typedef sea_status (*sea_st_fill_fn)(void *user, void *dst, uint64_t offset, size_t nbytes,
                                     sea_err *err);
SEA_API sea_status sea_st_writer_add_fn(sea_st_writer *w, const char *name, sea_dtype dtype,
                                        int rank, const uint64_t *shape, sea_st_fill_fn fill,
                                        void *user, sea_err *err);
/* Set a __metadata__ entry (copied; a later call with the same key replaces it). */
SEA_API sea_status sea_st_writer_set_metadata(sea_st_writer *w, const char *key, const char *value,
                                              sea_err *err);
/* Write the file atomically (temporary file renamed into place): tensors in the order added,
 * header padded with spaces to a multiple of 8 bytes so that data is 8-byte aligned. */
SEA_API sea_status sea_st_writer_save(sea_st_writer *w, const char *path, sea_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SEA_SAFETENSORS_H */
