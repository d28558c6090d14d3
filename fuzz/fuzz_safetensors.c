/* fuzz/fuzz_safetensors.c: the safetensors reader on one file image (sea_st_open_memory):
 * 8-byte header length, JSON header, tensor table, offsets. A file that opens must keep the
 * promises of include/sea/safetensors.h: every tensor's bytes lie inside the image, sizes
 * agree with shape and dtype, tensors do not overlap and are sorted by name, lookups find
 * them, and reading them (f32 or i64, whichever the dtype allows) touches only their bytes. */
#include "fuzz.h"

/* Tensors up to this many elements are read (larger ones are only checked for bounds). */
#define READ_MAX_ELEMENTS ((uint64_t)1 << 16)

static float g_f32[READ_MAX_ELEMENTS];
static int64_t g_i64[READ_MAX_ELEMENTS];

static int is_float(sea_dtype t)
{
    return t == SEA_DTYPE_F32 || t == SEA_DTYPE_F16 || t == SEA_DTYPE_BF16 || t == SEA_DTYPE_F64;
}

static int is_int(sea_dtype t)
{
    return t == SEA_DTYPE_I64 || t == SEA_DTYPE_I32 || t == SEA_DTYPE_U32 || t == SEA_DTYPE_I16 ||
           t == SEA_DTYPE_U16 || t == SEA_DTYPE_I8 || t == SEA_DTYPE_U8 || t == SEA_DTYPE_BOOL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sea_st_file *f = NULL;
    sea_err err;
    sea_status st;
    uint64_t covered = 0;
    fz_quiet();
    sea_err_clear(&err);
    st = sea_st_open_memory(&f, data, size, "fuzz.safetensors", &err);
    fz_check_main(st, &err, "sea_st_open_memory");
    if (st != SEA_OK) {
        if (f) fz_fail("sea_st_open_memory", "failure left a handle");
        return 0;
    }
    for (size_t i = 0; i < sea_st_count(f); i++) {
        const sea_st_tensor *t = sea_st_at(f, i);
        const uint8_t *p = t->data;
        uint64_t n = 1;
        if (!t->name || !t->name[0]) fz_fail("safetensors", "tensor without a name");
        if (i && strcmp(sea_st_at(f, i - 1)->name, t->name) >= 0) fz_fail("safetensors", "tensors not sorted by name");
        if (sea_st_find(f, t->name) != t) fz_fail("safetensors", "sea_st_find misses a tensor");
        if (t->rank < 0 || t->rank > SEA_ST_MAX_RANK) fz_fail("safetensors", "rank out of range");
        for (int k = 0; k < t->rank; k++) n *= t->shape[k]; /* validated: cannot overflow */
        if (n != t->n_elements) fz_fail("safetensors", "n_elements is not the product of the shape");
        if (t->nbytes > size || (t->nbytes && (p < data || p > data + size || t->nbytes > (uint64_t)(data + size - p))))
            fz_fail("safetensors", "tensor bytes outside the file image");
        if (t->dtype < SEA_DTYPE_COUNT && t->nbytes != n * sea_dtype_size(t->dtype))
            fz_fail("safetensors", "nbytes disagrees with shape x dtype");
        covered += t->nbytes;
        if (sea_st_expect(f, t, t->dtype, t->rank, t->shape, &err) != SEA_OK)
            fz_fail("sea_st_expect", "a tensor does not match its own shape");
        if (n <= READ_MAX_ELEMENTS) {
            st = sea_st_read_f32(g_f32, t, &err);
            fz_check_status(st, &err, "sea_st_read_f32");
            if ((st == SEA_OK) != is_float(t->dtype)) fz_fail("sea_st_read_f32", "accepted or refused the wrong dtype");
            st = sea_st_read_i64(g_i64, t, &err);
            fz_check_status(st, &err, "sea_st_read_i64");
            if ((st == SEA_OK) != is_int(t->dtype)) fz_fail("sea_st_read_i64", "accepted or refused the wrong dtype");
        }
    }
    /* contiguous, no overlap, no trailing bytes: the tensors cover the data buffer exactly */
    if (covered > size) fz_fail("safetensors", "tensors cover more bytes than the file");
    for (size_t i = 0; i < sea_st_metadata_count(f); i++) {
        const char *k, *v;
        sea_st_metadata_at(f, i, &k, &v);
        if (!k || !v || sea_st_metadata(f, k) != v) fz_fail("safetensors", "metadata lookup disagrees");
    }
    if (sea_st_find(f, "") != NULL) fz_fail("safetensors", "a tensor with an empty name");
    sea_st_close(f);
    return 0;
}
