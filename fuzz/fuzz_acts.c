/* fuzz/fuzz_acts.c: activation files (sea_acts_open: a safetensors file with positive,
 * negative, base F32 [N, n_layer, d] and "sea" metadata), written to a temporary file. A set
 * that opens has finite values of the announced shape; it is copied (sea_acts_data), saved
 * and opened again with the same contents, and merged as a one-shard set when its metadata
 * says it is complete. */
#include "fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], path2[512];
    sea_acts *a = NULL, *b = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    fz_write_input(path, sizeof path, "acts.safetensors", data, size);
    sea_err_clear(&err);
    st = sea_acts_open(&a, path, &err);
    fz_check_main(st, &err, "sea_acts_open");
    if (st != SEA_OK) {
        if (a) fz_fail("sea_acts_open", "failure left a handle");
        fz_cleanup();
        return 0;
    }
    {
        size_t count = sea_acts_n(a) * sea_acts_n_layer(a) * sea_acts_d(a);
        int has_meta;
        const sea_acts_meta *m = sea_acts_get_meta(a, &has_meta);
        if (!count || count * sizeof(float) > size) fz_fail("acts", "shape larger than the file");
        for (int k = 0; k < 3; k++) {
            const float *v = sea_acts_view(a, k);
            for (size_t i = 0; i < count; i++)
                if (!isfinite(v[i])) fz_fail("acts", "non-finite value accepted");
        }
        if (m->shard_n < 1 || m->shard_i >= m->shard_n) fz_fail("acts", "shard i/n out of range");
        if (!sea_acts_data(a, SEA_ACTS_BASE)) fz_fail("sea_acts_data", "no copy");
        fz_write("acts2.safetensors", "", 0);
        fz_path(path2, sizeof path2, "acts2.safetensors");
        st = sea_acts_save(a, path2, &err);
        if (st != SEA_OK) fz_fail("sea_acts_save", err.msg);
        st = sea_acts_open(&b, path2, &err);
        if (st != SEA_OK) fz_fail("sea_acts_open of a saved set", err.msg);
        if (sea_acts_n(b) != sea_acts_n(a) || sea_acts_n_layer(b) != sea_acts_n_layer(a) || sea_acts_d(b) != sea_acts_d(a))
            fz_fail("acts round trip", "shape differs");
        for (int k = 0; k < 3; k++)
            if (memcmp(sea_acts_view(a, k), sea_acts_view(b, k), count * sizeof(float)) != 0)
                fz_fail("acts round trip", "values differ");
        sea_acts_free(b);
        if (has_meta && m->shard_n == 1) {
            sea_acts *merged = NULL;
            const char *name = "acts.safetensors";
            st = sea_acts_merge(&merged, &a, &name, 1, &err);
            if (st != SEA_OK) fz_fail("sea_acts_merge of one complete set", err.msg);
            sea_acts_free(merged);
        }
    }
    sea_acts_free(a);
    fz_cleanup();
    return 0;
}
