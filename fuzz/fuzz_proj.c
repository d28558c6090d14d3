/* fuzz/fuzz_proj.c: projection files (sea_proj_open: "sea" metadata with per-layer k, and the
 * u/s/ev tensors of each listed layer), written to a temporary file. A set that opens is read
 * through every accessor, saved and opened again with the same contents. */
#include "fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], path2[512];
    sea_proj *p = NULL, *q = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    fz_write_input(path, sizeof path, "proj.safetensors", data, size);
    sea_err_clear(&err);
    st = sea_proj_open(&p, path, &err);
    fz_check_main(st, &err, "sea_proj_open");
    if (st != SEA_OK) {
        if (p) fz_fail("sea_proj_open", "failure left a handle");
        fz_cleanup();
        return 0;
    }
    fz_write("proj2.safetensors", "", 0);
    fz_path(path2, sizeof path2, "proj2.safetensors");
    st = sea_proj_save(p, path2, &err);
    if (st != SEA_OK) fz_fail("sea_proj_save", err.msg);
    st = sea_proj_open(&q, path2, &err);
    if (st != SEA_OK) fz_fail("sea_proj_open of a saved set", err.msg);
    if (sea_proj_d(q) != sea_proj_d(p) || sea_proj_n_layer(q) != sea_proj_n_layer(p)) fz_fail("proj round trip", "shape differs");
    for (size_t l = 0; l < sea_proj_n_layer(p); l++) {
        size_t d = sea_proj_d(p);
        for (int sign = -1; sign <= 1; sign += 2) {
            size_t k = 0, k2 = 0, ns = 0, ns2 = 0;
            const float *u = sign > 0 ? sea_proj_u_pos(p, l, &k) : sea_proj_u_neg(p, l, &k);
            const float *u2 = sign > 0 ? sea_proj_u_pos(q, l, &k2) : sea_proj_u_neg(q, l, &k2);
            const float *s = sea_proj_singular_values(p, l, sign, &ns);
            const float *s2 = sea_proj_singular_values(q, l, sign, &ns2);
            const float *ev = sea_proj_explained(p, l, sign, &ns);
            if (sea_proj_has_layer(p, l) != sea_proj_has_layer(q, l) || k != k2 || ns != ns2) fz_fail("proj round trip", "layer differs");
            if (!sea_proj_has_layer(p, l)) continue;
            if (k > d) fz_fail("proj", "k > d");
            if ((k && memcmp(u, u2, d * k * sizeof(float)) != 0) || (ns && memcmp(s, s2, ns * sizeof(float)) != 0))
                fz_fail("proj round trip", "values differ");
            for (size_t i = 0; i < ns; i++)
                if (!(s[i] >= 0) || !(ev[i] >= 0 && ev[i] <= 1.0f + 1e-5f)) fz_fail("proj", "singular value or ratio out of range");
        }
        (void)sea_proj_signature(p, l);
        (void)sea_proj_layer_solver(p, l);
    }
    (void)sea_proj_site(p);
    sea_proj_free(q);
    sea_proj_free(p);
    fz_cleanup();
    return 0;
}
