/* src/spectral/bake.c: a linear SEA edit folded into the weights (sea_bake).
 *
 * The edit acts on the MLP output z = W a of a layer (W = down_proj, [d, d_ff]; a = the
 * activated intermediate). With P+ = U+U+ᵀ and P- = U-U-ᵀ (SEA-SPEC §4):
 *   sum:     z̄ = P+ z + (z − P- z)       = (I + P+ − P-) z
 *   average: z̄ = (P+ z + (z − P- z)) / 2 = (I + P+ − P-) z / 2
 * so z̄ = E z with E = c (I + P+ − P-), c = 1 or 1/2, and with the edit strength λ
 * (z' = z + λ(z̄ − z)) the edited layer computes z' = W' a with
 *   W' = W + λ (E W − W),   E W = c (W + U+ (U+ᵀ W) − U- (U-ᵀ W)).
 * Only down_proj of the selected layers changes. The seq-norm and token-norm merges rescale by
 * norms of the current tokens and a feature map φ is non-linear: neither is a matrix, so
 * they are refused; so is a centred projection (the edit would be affine and down_proj has no
 * bias).
 *
 * The new directory is built beside the target under a temporary name and renamed into place
 * at the end: a failure leaves nothing behind. Edited tensors are written as F32 (rounding
 * W' back to BF16 would perturb the edit by about 2^-9 relative); everything else keeps its
 * bytes. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "sea/edit.h"
#include "sea/model.h"
#include "sea/safetensors.h"

#define BAKE_MAX_COPY ((size_t)4 << 30) /* a non-weight file larger than this is refused */

sea_bake_params sea_bake_default_params(void)
{
    sea_bake_params p;
    memset(&p, 0, sizeof p);
    p.merge = SEA_MERGE_SUM;
    p.scale = 1.0;
    return p;
}

/* One edited tensor, produced at save time row by row. */
typedef struct bake_tensor {
    const sea_st_tensor *t;
    const float *up, *un; /* [d, kp], [d, kn] */
    size_t kp, kn, d, dff;
    double c, lambda;
    float *w;     /* W as F32 [d, dff], loaded on the first chunk */
    double *a;    /* [kp + kn, dff]: U+ᵀ W then U-ᵀ W */
    float *row;   /* [dff] */
} bake_tensor;

static void bake_release(bake_tensor *b)
{
    sea__free(b->w);
    sea__free(b->a);
    sea__free(b->row);
    b->w = b->row = NULL;
    b->a = NULL;
}

static sea_status bake_prepare(bake_tensor *b, sea_err *err)
{
    size_t k = b->kp + b->kn;
    sea_status st;
    b->w = sea__malloc_array(b->d * b->dff, sizeof *b->w);
    b->a = sea__calloc(k ? k * b->dff : 1, sizeof *b->a);
    b->row = sea__malloc_array(b->dff, sizeof *b->row);
    if (!b->w || !b->a || !b->row) return sea__err_nomem(err, "an edited down_proj");
    if ((st = sea_st_read_f32(b->w, b->t, err)) != SEA_OK) return st;
    /* each row of A by one thread, in a fixed order: results do not depend on the thread count */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
    for (long r = 0; r < (long)k; r++) {
        const float *u = (size_t)r < b->kp ? b->up : b->un;
        size_t ku = (size_t)r < b->kp ? b->kp : b->kn, col = (size_t)r < b->kp ? (size_t)r : (size_t)r - b->kp;
        double *ar = b->a + (size_t)r * b->dff;
        for (size_t i = 0; i < b->d; i++) {
            double ui = u[i * ku + col];
            const float *wi = b->w + i * b->dff;
            for (size_t j = 0; j < b->dff; j++) ar[j] += ui * (double)wi[j];
        }
    }
    return SEA_OK;
}

/* Row i of W' = W + λ (c (W + U+A+ − U-A-) − W). */
static void bake_row(bake_tensor *b, size_t i)
{
    const float *wi = b->w + i * b->dff;
    for (size_t j = 0; j < b->dff; j++) {
        double s = wi[j];
        for (size_t a = 0; a < b->kp; a++) s += (double)b->up[i * b->kp + a] * b->a[a * b->dff + j];
        for (size_t a = 0; a < b->kn; a++) s -= (double)b->un[i * b->kn + a] * b->a[(b->kp + a) * b->dff + j];
        b->row[j] = (float)((double)wi[j] + b->lambda * (b->c * s - (double)wi[j]));
    }
}

static sea_status bake_fill(void *user, void *dst, uint64_t offset, size_t nbytes, sea_err *err)
{
    bake_tensor *b = user;
    uint64_t row_bytes = (uint64_t)b->dff * sizeof(float), total = row_bytes * b->d, done = 0;
    sea_status st;
    if (!b->w && (st = bake_prepare(b, err)) != SEA_OK) {
        bake_release(b);
        return st;
    }
    while (done < nbytes) {
        uint64_t pos = offset + done, i = pos / row_bytes, in_row = pos % row_bytes;
        size_t take = (size_t)SEA_MIN(row_bytes - in_row, (uint64_t)nbytes - done);
        bake_row(b, (size_t)i);
        memcpy((char *)dst + done, (const char *)b->row + in_row, take);
        done += take;
    }
    if (offset + nbytes >= total) bake_release(b); /* the tensor is complete */
    return SEA_OK;
}

/* ---- the directory ---- */
typedef struct bake_job {
    const char *src, *dst_tmp;
    const sea_proj *p;
    const sea_bake_params *bp;
    const unsigned char *mask;
    int n_layer;
    size_t d, dff;
    int *found;          /* [n_layer]: the layer's down_proj was written */
    char **written;      /* files created in dst_tmp (to remove on failure) */
    size_t n_written;
    char *desc;          /* the "sea_bake" metadata (JSON) */
} bake_job;

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static sea_status note_written(bake_job *j, const char *path, sea_err *err)
{
    char **nw = sea__realloc(j->written, (j->n_written + 1) * sizeof *nw);
    if (!nw) return sea__err_nomem(err, "a file list");
    j->written = nw;
    if (!(j->written[j->n_written] = sea__strndup(path, strlen(path)))) return sea__err_nomem(err, "a path");
    j->n_written++;
    return SEA_OK;
}

static sea_status copy_file(bake_job *j, const char *name, sea_err *err)
{
    char *from = sea__path_join(j->src, name), *to = sea__path_join(j->dst_tmp, name), *text = NULL;
    size_t len;
    sea_status st = (!from || !to) ? sea__err_nomem(err, "a path") : SEA_OK;
    if (st == SEA_OK) st = sea__read_file(&text, &len, from, BAKE_MAX_COPY, err);
    if (st == SEA_OK) st = note_written(j, to, err);
    if (st == SEA_OK) st = sea__write_file_atomic(to, text, len, err);
    sea__free(text);
    sea__free(from);
    sea__free(to);
    return st;
}

/* "model.layers.<l>.mlp.down_proj.weight" -> l, else -1 */
static int down_proj_layer(const char *name)
{
    static const char pre[] = "model.layers.", post[] = ".mlp.down_proj.weight";
    const char *p = name + sizeof pre - 1;
    long l = 0;
    if (strncmp(name, pre, sizeof pre - 1) || !*p) return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        l = l * 10 + (*p - '0');
        if (l > 1000000) return -1;
    }
    return strcmp(p, post) ? -1 : (int)l;
}

static sea_status bake_file(bake_job *j, const char *name, sea_err *err)
{
    char *from = sea__path_join(j->src, name), *to = sea__path_join(j->dst_tmp, name);
    sea_st_file *f = NULL;
    sea_st_writer *w = NULL;
    bake_tensor *bt = NULL;
    size_t n = 0, nb = 0;
    sea_status st = (!from || !to) ? sea__err_nomem(err, "a path") : SEA_OK;
    if (st == SEA_OK) st = sea_st_open(&f, from, err);
    if (st == SEA_OK) st = sea_st_writer_new(&w, err);
    if (st == SEA_OK) {
        n = sea_st_count(f);
        bt = sea__calloc(n ? n : 1, sizeof *bt);
        if (!bt) st = sea__err_nomem(err, "tensor list");
    }
    for (size_t i = 0; i < sea_st_metadata_count(f) && st == SEA_OK; i++) {
        const char *k, *v;
        sea_st_metadata_at(f, i, &k, &v);
        st = sea_st_writer_set_metadata(w, k, v, err);
    }
    if (st == SEA_OK && !sea_st_metadata(f, "format")) st = sea_st_writer_set_metadata(w, "format", "pt", err);
    for (size_t i = 0; i < n && st == SEA_OK; i++) {
        const sea_st_tensor *t = sea_st_at(f, i);
        int l = down_proj_layer(t->name);
        if (l >= 0 && l < j->n_layer && j->mask[l]) {
            bake_tensor *b = &bt[nb++];
            if (t->rank != 2 || t->shape[0] != j->d || t->shape[1] != j->dff) {
                st = sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' is not [%zu, %zu]", from, t->name, j->d, j->dff);
                break;
            }
            b->t = t;
            b->up = sea_proj_u_pos(j->p, (size_t)l, &b->kp);
            b->un = sea_proj_u_neg(j->p, (size_t)l, &b->kn);
            b->d = j->d;
            b->dff = j->dff;
            b->c = j->bp->merge == SEA_MERGE_AVERAGE ? 0.5 : 1.0;
            b->lambda = j->bp->scale;
            st = sea_st_writer_add_fn(w, t->name, SEA_DTYPE_F32, 2, t->shape, bake_fill, b, err);
            j->found[l] = 1;
        } else if (t->dtype == SEA_DTYPE_COUNT) {
            st = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: tensor '%s' has dtype %s, which sea cannot rewrite", from,
                          t->name, t->dtype_name);
        } else
            st = sea_st_writer_add(w, t->name, t->dtype, t->rank, t->shape, t->data, err);
    }
    if (st == SEA_OK && nb) st = sea_st_writer_set_metadata(w, "sea_bake", j->desc, err);
    if (st == SEA_OK) st = note_written(j, to, err);
    if (st == SEA_OK) st = sea_st_writer_save(w, to, err);
    for (size_t i = 0; i < nb; i++) bake_release(&bt[i]);
    sea__free(bt);
    sea_st_writer_free(w);
    sea_st_close(f);
    sea__free(from);
    sea__free(to);
    return st;
}

/* Weight files in other formats would carry the unedited model: they are left out. */
static int other_weights(const char *name)
{
    static const char *const ext[] = {".bin", ".pt", ".pth", ".ckpt", ".gguf", ".h5", ".msgpack", ".onnx"};
    for (size_t i = 0; i < SEA_ARRAY_LEN(ext); i++)
        if (ends_with(name, ext[i])) return 1;
    return 0;
}

/* The index's metadata.total_size counts tensor bytes, which F32 down_proj changed. */
static sea_status fix_index(bake_job *j, sea_err *err)
{
    char *path = sea__path_join(j->dst_tmp, "model.safetensors.index.json"), *text = NULL, *k, *v, *e;
    sea_st_dir *d = NULL;
    sea_buf b;
    size_t len;
    sea_status st = path ? SEA_OK : sea__err_nomem(err, "a path");
    if (st == SEA_OK && !sea__file_exists(path)) {
        sea__free(path);
        return SEA_OK;
    }
    if (st == SEA_OK) st = sea__read_file(&text, &len, path, BAKE_MAX_COPY, err);
    if (st == SEA_OK) st = sea_st_dir_open(&d, j->dst_tmp, err);
    sea__buf_init(&b);
    if (st == SEA_OK && (k = strstr(text, "\"total_size\"")) != NULL) {
        for (v = k + 12; *v == ' ' || *v == ':' || *v == '\t' || *v == '\n' || *v == '\r'; v++) {}
        for (e = v; *e >= '0' && *e <= '9'; e++) {}
        if (e > v) {
            sea__buf_append(&b, text, (size_t)(v - text));
            sea__buf_printf(&b, "%llu", (unsigned long long)sea_st_dir_data_bytes(d));
            sea__buf_puts(&b, e);
            st = b.failed ? sea__err_nomem(err, "the index") : sea__write_file_atomic(path, b.data, b.len, err);
        }
    }
    sea__buf_free(&b);
    sea_st_dir_close(d);
    sea__free(text);
    sea__free(path);
    return st;
}

static sea_status describe(bake_job *j, const char *proj_name, sea_err *err)
{
    sea_buf b;
    int first = 1;
    sea__buf_init(&b);
    sea__buf_puts(&b, "{\"kind\":\"baked_edit\",\"projection\":");
    sea__buf_json_string(&b, proj_name ? proj_name : "", proj_name ? strlen(proj_name) : 0);
    sea__buf_printf(&b, ",\"merge\":\"%s\",\"scale\":", sea_merge_name(j->bp->merge));
    sea__buf_json_double(&b, j->bp->scale);
    sea__buf_puts(&b, ",\"layers\":[");
    for (int l = 0; l < j->n_layer; l++)
        if (j->mask[l]) {
            size_t kp, kn;
            sea_proj_u_pos(j->p, (size_t)l, &kp);
            sea_proj_u_neg(j->p, (size_t)l, &kn);
            sea__buf_printf(&b, "%s{\"layer\":%d,\"k_pos\":%zu,\"k_neg\":%zu}", first ? "" : ",", l, kp, kn);
            first = 0;
        }
    sea__buf_printf(&b, "],\"n_demos\":%zu}", sea_proj_n_demos(j->p));
    if (b.failed) {
        sea__buf_free(&b);
        return sea__err_nomem(err, "the bake description");
    }
    j->desc = sea__strndup(b.data, b.len);
    sea__buf_free(&b);
    return j->desc ? SEA_OK : sea__err_nomem(err, "the bake description");
}

sea_status sea_bake(const char *model_dir, const sea_proj *p, const char *proj_name, const sea_bake_params *bpp,
                    const char *out_dir, size_t *n_skipped, sea_err *err)
{
    sea_bake_params bp = bpp ? *bpp : sea_bake_default_params();
    sea_model *m = NULL;
    const sea_llama_config *cfg;
    unsigned char *mask = NULL;
    bake_job j;
    char *tmp = NULL;
    DIR *dir = NULL;
    struct dirent *de;
    struct stat sb;
    sea_status st;
    memset(&j, 0, sizeof j);
    if (n_skipped) *n_skipped = 0;
    if (bp.merge == SEA_MERGE_SEQ_NORM || bp.merge == SEA_MERGE_TOKEN_NORM)
        return sea__err(err, SEA_ERR_UNSUPPORTED,
                        "merge %s cannot be baked: it rescales each coordinate by norms of the tokens being run, "
                        "which no fixed matrix does (use sum or average)", sea_merge_name(bp.merge));
    if (bp.merge != SEA_MERGE_SUM && bp.merge != SEA_MERGE_AVERAGE)
        return sea__err(err, SEA_ERR_ARG, "unknown merge");
    if (!isfinite(bp.scale)) return sea__err(err, SEA_ERR_ARG, "edit scale must be finite");
    if (sea_proj_feature(p) != SEA_FEATURE_NONE)
        return sea__err(err, SEA_ERR_UNSUPPORTED,
                        "%s: the projections use the feature map %s: φ̂⁻¹(P φ(z)) is not linear in z, so no weight "
                        "matrix carries it", proj_name ? proj_name : "projection", sea_feature_name(sea_proj_feature(p)));
    if (sea_proj_center(p))
        return sea__err(err, SEA_ERR_UNSUPPORTED,
                        "%s: the projections were fitted centred: the edit is affine and down_proj has no bias to carry "
                        "its constant", proj_name ? proj_name : "projection");
    if (stat(out_dir, &sb) == 0) return sea__err(err, SEA_ERR_ARG, "%s: already exists (bake writes a new directory)", out_dir);
    if ((st = sea_model_open(&m, model_dir, err)) != SEA_OK) return st;
    cfg = sea_model_config(m);
    if (sea_proj_d(p) != (size_t)cfg->d || sea_proj_n_layer(p) != (size_t)cfg->n_layer) {
        st = sea__err(err, SEA_ERR_ARG, "%s: projections for d = %zu and %zu layers, the model has d = %d and %d layers",
                      proj_name ? proj_name : "projection", sea_proj_d(p), sea_proj_n_layer(p), cfg->d, cfg->n_layer);
        goto out;
    }
    mask = sea__calloc((size_t)cfg->n_layer, 1);
    j.found = sea__calloc((size_t)cfg->n_layer, sizeof *j.found);
    if (!mask || !j.found) {
        st = sea__err_nomem(err, "the layer list");
        goto out;
    }
    if (bp.layers) {
        if ((st = sea_layers_parse(mask, bp.layers, cfg->n_layer, err)) != SEA_OK) goto out;
        for (int l = 0; l < cfg->n_layer; l++)
            if (mask[l] && !sea_proj_has_layer(p, (size_t)l)) {
                st = sea__err(err, SEA_ERR_ARG, "%s: layer %d was not fitted", proj_name ? proj_name : "projection", l);
                goto out;
            }
    } else
        for (int l = 0; l < cfg->n_layer; l++) mask[l] = (unsigned char)sea_proj_has_layer(p, (size_t)l);
    j.src = model_dir;
    j.p = p;
    j.bp = &bp;
    j.mask = mask;
    j.n_layer = cfg->n_layer;
    j.d = (size_t)cfg->d;
    j.dff = (size_t)cfg->d_ff;
    if ((st = describe(&j, proj_name, err)) != SEA_OK) goto out;
    tmp = sea__malloc(strlen(out_dir) + 16);
    if (!tmp) {
        st = sea__err_nomem(err, "a path");
        goto out;
    }
    sprintf(tmp, "%s.tmp-XXXXXX", out_dir);
    if (!mkdtemp(tmp)) {
        st = sea__err(err, SEA_ERR_IO, "%s: cannot create (%s)", tmp, strerror(errno));
        sea__free(tmp);
        tmp = NULL;
        goto out;
    }
    j.dst_tmp = tmp;
    {
        mode_t um = umask(0);
        umask(um);
        (void)chmod(tmp, 0777 & ~um); /* as mkdir would have made it (mkdtemp uses 0700) */
    }
    if (!(dir = opendir(model_dir))) {
        st = sea__err(err, SEA_ERR_IO, "%s: cannot list (%s)", model_dir, strerror(errno));
        goto out;
    }
    while (st == SEA_OK && (de = readdir(dir)) != NULL) {
        char *path;
        int regular;
        if (de->d_name[0] == '.') continue;
        if (!(path = sea__path_join(model_dir, de->d_name))) {
            st = sea__err_nomem(err, "a path");
            break;
        }
        regular = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
        sea__free(path);
        if (!regular) continue; /* subdirectories (e.g. original/) are not part of the HF layout */
        if (ends_with(de->d_name, ".safetensors")) st = bake_file(&j, de->d_name, err);
        else if (other_weights(de->d_name)) {
            if (n_skipped) (*n_skipped)++;
        } else
            st = copy_file(&j, de->d_name, err);
    }
    for (int l = 0; st == SEA_OK && l < cfg->n_layer; l++)
        if (mask[l] && !j.found[l])
            st = sea__err(err, SEA_ERR_FORMAT, "%s: no tensor model.layers.%d.mlp.down_proj.weight in its safetensors files",
                          model_dir, l);
    if (st == SEA_OK) st = fix_index(&j, err);
    if (st == SEA_OK && rename(tmp, out_dir) != 0)
        st = sea__err(err, SEA_ERR_IO, "%s: cannot rename into place (%s)", out_dir, strerror(errno));
out:
    if (dir) closedir(dir);
    if (st != SEA_OK && tmp) {
        for (size_t i = 0; i < j.n_written; i++) unlink(j.written[i]);
        rmdir(tmp);
    }
    for (size_t i = 0; i < j.n_written; i++) sea__free(j.written[i]);
    sea__free(j.written);
    sea__free(j.found);
    sea__free(j.desc);
    sea__free(tmp);
    sea__free(mask);
    sea_model_close(m);
    return st;
}
