/* fuzz/fuzz_pt.c: PyTorch .pt files (the zip container, the restricted unpickler, tensor views
 * and the projector check of sea_proj_import_pt), written to a temporary file and imported as
 * both the positive and the negative file. A set that imports has ranks within d, unit-norm
 * columns, and survives a save and open. */
#include "fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], path2[512];
    sea_proj *p = NULL, *q = NULL;
    sea_err err;
    sea_status st;
    sea_proj_import_params ip = sea_proj_import_default_params();
    fz_quiet();
    fz_write_input(path, sizeof path, "in.pt", data, size);
    sea_err_clear(&err);
    ip.n_threads = 1;
    st = sea_proj_import_pt(&p, path, path, &ip, &err);
    fz_check_main(st, &err, "sea_proj_import_pt");
    if (st != SEA_OK) {
        if (p) fz_fail("sea_proj_import_pt", "failure left a handle");
        fz_cleanup();
        return 0;
    }
    for (size_t l = 0; l < sea_proj_n_layer(p); l++) {
        size_t d = sea_proj_d(p), k[2];
        const float *u[2];
        u[0] = sea_proj_u_pos(p, l, &k[0]);
        u[1] = sea_proj_u_neg(p, l, &k[1]);
        if (k[0] + k[1] != d) fz_fail("pt import", "k+ + k- of the same file is not d");
        for (int s = 0; s < 2; s++)
            for (size_t j = 0; j < k[s]; j++) {
                double n = 0;
                for (size_t i = 0; i < d; i++) n += (double)u[s][i * k[s] + j] * u[s][i * k[s] + j];
                if (fabs(n - 1) > 1e-3) fz_fail("pt import", "a column of U is not unit-norm");
            }
    }
    fz_write("out.safetensors", "", 0);
    fz_path(path2, sizeof path2, "out.safetensors");
    if (sea_proj_save(p, path2, &err) != SEA_OK) fz_fail("sea_proj_save of an import", err.msg);
    if (sea_proj_open(&q, path2, &err) != SEA_OK) fz_fail("sea_proj_open of a saved import", err.msg);
    sea_proj_free(q);
    sea_proj_free(p);
    fz_cleanup();
    return 0;
}
