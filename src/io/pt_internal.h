/* src/io/pt_internal.h: a strict reader for the PyTorch files torch.save writes (the zip
 * container, a restricted unpickler for data.pkl, tensors viewed in place in the mapped file)
 * and a writer for stacked float32 tensors in the same layout. Not installed; used by the
 * projection import/export (src/spectral/proj_pt.c). doc/FORMATS.md states the accepted subset. */
#ifndef SEA_PT_INTERNAL_H
#define SEA_PT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sea/core.h"

#define SEA__PT_MAX_RANK 8

typedef enum sea__pt_kind {
    SEA__PT_NONE,
    SEA__PT_BOOL,
    SEA__PT_INT,
    SEA__PT_FLOAT,
    SEA__PT_STR,
    SEA__PT_TUPLE,
    SEA__PT_LIST,
    SEA__PT_DICT,    /* dict or OrderedDict: n = 2 x entries, items[2i] key, items[2i+1] value */
    SEA__PT_GLOBAL,  /* an allowed callable or class (internal) */
    SEA__PT_STORAGE, /* a persistent-id storage */
    SEA__PT_TENSOR
} sea__pt_kind;

typedef struct sea__pt_tensor {
    sea_dtype dtype;              /* F32, F16, BF16 or F64 */
    int rank;
    uint64_t shape[SEA__PT_MAX_RANK];
    uint64_t stride[SEA__PT_MAX_RANK]; /* in elements */
    uint64_t offset;              /* storage offset in elements */
    const unsigned char *data;    /* start of the storage (element 0) */
    uint64_t storage_numel;       /* elements in the storage (every index checked against it) */
} sea__pt_tensor;

typedef struct sea__pt_val sea__pt_val;
struct sea__pt_val {
    sea__pt_kind kind;
    int64_t i;          /* BOOL, INT; GLOBAL: which callable */
    double f;           /* FLOAT */
    char *s;            /* STR (NUL-terminated copy) */
    size_t len;
    sea__pt_val **items;/* TUPLE, LIST: n items; DICT: n = 2 x entries (key, value, ...) */
    size_t n, cap;
    sea__pt_tensor t;   /* TENSOR; STORAGE uses dtype, data, storage_numel */
};

typedef struct sea__pt_file sea__pt_file;

/* Open `path` (mapped, not copied), check the zip container, unpickle data.pkl. Errors are one
 * line naming the file. */
sea_status sea__pt_open(sea__pt_file **out, const char *path, sea_err *err);
/* The same on a caller-owned buffer (kept alive while the handle lives); `name` for messages. */
sea_status sea__pt_open_mem(sea__pt_file **out, const void *data, size_t len, const char *name, sea_err *err);
void sea__pt_close(sea__pt_file *f);
const sea__pt_val *sea__pt_root(const sea__pt_file *f);
const char *sea__pt_name(const sea__pt_file *f);

/* Element at a flat index of the storage as a float (dtype conversion included). */
float sea__pt_elem(const sea__pt_tensor *t, uint64_t index);

/* CRC-32 of the zip format, continued from crc (0 to start). */
uint32_t sea__pt_crc32(uint32_t crc, const void *data, size_t n);

/* Write a stacked float32 tensor [n0, n1, n2] as torch.save would (zip container, protocol 2
 * pickle, 64-byte aligned storage), atomically. The rows come from fill(): row r (n1 * n2
 * floats) into buf; files of 4 GiB or more are refused. */
typedef sea_status (*sea__pt_fill_fn)(void *user, size_t r, float *buf, sea_err *err);
sea_status sea__pt_write_stacked(const char *path, size_t n0, size_t n1, size_t n2, sea__pt_fill_fn fill,
                                 void *user, sea_err *err);

#endif /* SEA_PT_INTERNAL_H */
