/* fuzz/fuzz_gguf.c: the GGUF reader on one file image (sea_gguf_open_memory): header, metadata
 * of every type, tensor table, alignment, data section. A file that opens must keep the
 * promises of include/sea/gguf.h: keys and tensor names unique, NUL-free and findable; strings
 * and arrays inside the image; every tensor's bytes inside the image, aligned, sized by its
 * shape and type, not overlapping another's; and block-quantized tensors dequantize (the first
 * rows, whatever their bytes) to finite or non-finite floats without touching other memory. */
#include "fuzz.h"

#define DEQ_MAX 4096
static float g_f32[DEQ_MAX];
static double g_blocks[DEQ_MAX]; /* aligned copy of the blocks (the file's alignment may be 1) */

static int inside(const void *p, uint64_t n, const uint8_t *data, size_t size)
{
    const uint8_t *q = p;
    return n == 0 || (q >= data && q <= data + size && n <= (uint64_t)(data + size - q));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sea_gguf *g = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    sea_err_clear(&err);
    st = sea_gguf_open_memory(&g, data, size, "fuzz.gguf", &err);
    fz_check_main(st, &err, "sea_gguf_open_memory");
    if (st != SEA_OK) {
        if (g) fz_fail("sea_gguf_open_memory", "failure left a handle");
        return 0;
    }
    for (size_t i = 0; i < sea_gguf_kv_count(g); i++) {
        const sea_gguf_kv *kv = sea_gguf_kv_at(g, i);
        if (!kv->key[0]) fz_fail("gguf", "empty key");
        if (sea_gguf_find_kv(g, kv->key) != kv) fz_fail("gguf", "key lookup misses or finds a duplicate");
        if (kv->type == SEA_GGUF_STRING && !inside(kv->str.s, kv->str.len, data, size)) fz_fail("gguf", "string outside the image");
        if (kv->type == SEA_GGUF_ARRAY) {
            if (kv->elem == SEA_GGUF_ARRAY) fz_fail("gguf", "nested array accepted");
            if (kv->elem == SEA_GGUF_STRING) {
                for (uint64_t j = 0; j < kv->n; j++)
                    if (!inside(kv->strs[j].s, kv->strs[j].len, data, size)) fz_fail("gguf", "array string outside the image");
            } else {
                volatile double acc = 0;
                if (!inside(kv->arr, kv->n, data, size)) fz_fail("gguf", "array outside the image");
                for (uint64_t j = 0; j < kv->n && j < 64; j++) acc += sea_gguf_arr_f64(kv, j) + (double)sea_gguf_arr_i64(kv, j);
                (void)acc;
            }
        }
    }
    for (size_t i = 0; i < sea_gguf_tensor_count(g); i++) {
        const sea_gguf_tensor *t = sea_gguf_tensor_at(g, i);
        if (sea_gguf_find_tensor(g, t->name) != t) fz_fail("gguf", "tensor lookup misses or finds a duplicate");
        if (!inside(t->data, t->nbytes, data, size)) fz_fail("gguf", "tensor bytes outside the image");
        if (t->offset % sea_gguf_alignment(g)) fz_fail("gguf", "unaligned tensor accepted");
        if (t->rank < 1 || t->rank > SEA_GGUF_MAX_DIMS) fz_fail("gguf", "rank out of range");
        for (size_t j = 0; j < i; j++) {
            const sea_gguf_tensor *u = sea_gguf_tensor_at(g, j);
            if (t->nbytes && u->nbytes && t->offset < u->offset + u->nbytes && u->offset < t->offset + t->nbytes)
                fz_fail("gguf", "overlapping tensors accepted");
            if (j > 256) break;
        }
        int bs = sea_dtype_block(t->dtype);
        if (bs) {
            uint64_t n = t->nbytes / sea_dtype_block_bytes(t->dtype) * (uint64_t)bs;
            if (n != t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3]) fz_fail("gguf", "nbytes disagrees with shape x type");
            if (n > DEQ_MAX) n = DEQ_MAX / (uint64_t)bs * (uint64_t)bs;
            memcpy(g_blocks, t->data, (size_t)(n / (uint64_t)bs * sea_dtype_block_bytes(t->dtype)));
            st = sea_dequantize(t->dtype, g_f32, g_blocks, (size_t)n, &err);
            if (st != SEA_OK) fz_fail("sea_dequantize", "refused whole blocks");
        }
    }
    if (sea_gguf_find_tensor(g, "") != NULL) fz_fail("gguf", "a tensor with an empty name");
    sea_gguf_close(g);
    return 0;
}
