/* tests/check_proj.c: hostile activation and projection files get a clear one-line error (wrong
 * shapes, N = 0, d mismatch between tensors, NaN, metadata that lies, wrong dtype, unknown
 * tensors), valid ones round-trip; shard merging (order, checks, errors); the `sea` commands
 * fit / proj info / merge end to end. */
#define _POSIX_C_SOURCE 200809L
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "core/internal.h"

static char tmpdir[256];

static const char *tmp(const char *name)
{
    static char buf[4][512];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, 512, "%s/%s", tmpdir, name);
    return b;
}

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sea-check-proj-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Write an activation-like file: three tensors of the given shapes (dims < 0 omit a tensor),
 * optional NaN, dtype, metadata. */
typedef struct afile {
    uint64_t shape[3][3];
    int rank[3];
    int omit[3];
    sea_dtype dtype;
    int nan_at; /* flat index in 'base' set to NaN, or -1 */
    const char *sea_meta;
    const char *extra_tensor;
} afile;

static afile afile_default(size_t N, size_t L, size_t d)
{
    afile f;
    memset(&f, 0, sizeof f);
    for (int k = 0; k < 3; k++) {
        f.shape[k][0] = N;
        f.shape[k][1] = L;
        f.shape[k][2] = d;
        f.rank[k] = 3;
    }
    f.dtype = SEA_DTYPE_F32;
    f.nan_at = -1;
    return f;
}

static void write_afile(const char *path, const afile *f)
{
    static const char *names[3] = {"positive", "negative", "base"};
    sea_st_writer *w;
    sea_err err;
    ck_assert_int_eq(sea_st_writer_new(&w, &err), SEA_OK);
    for (int k = 0; k < 3; k++) {
        uint64_t n = 1;
        float *data;
        if (f->omit[k]) continue;
        for (int r = 0; r < f->rank[k]; r++) n *= f->shape[k][r];
        data = calloc(n ? n * 2 : 1, sizeof(float));
        for (uint64_t i = 0; i < n; i++) data[i] = (float)((i * 7 + (uint64_t)k) % 13) - 6.0f;
        if (k == 2 && f->nan_at >= 0 && (uint64_t)f->nan_at < n) data[f->nan_at] = NAN;
        if (f->dtype == SEA_DTYPE_F16) {
            uint16_t *h = (uint16_t *)data;
            for (uint64_t i = 0; i < n; i++) h[i] = sea_f32_to_f16(data[i]);
        }
        ck_assert_int_eq(sea_st_writer_add_copy(w, names[k], f->dtype, f->rank[k], f->shape[k], data, &err), SEA_OK);
        free(data);
    }
    if (f->extra_tensor) {
        float one = 1;
        uint64_t s1 = 1;
        ck_assert_int_eq(sea_st_writer_add_copy(w, f->extra_tensor, SEA_DTYPE_F32, 1, &s1, &one, &err), SEA_OK);
    }
    if (f->sea_meta) ck_assert_int_eq(sea_st_writer_set_metadata(w, "sea", f->sea_meta, &err), SEA_OK);
    ck_assert_msg(sea_st_writer_save(w, path, &err) == SEA_OK, "%s", err.msg);
    sea_st_writer_free(w);
}

static void expect_acts_error(const afile *f, sea_status want, const char *needle)
{
    sea_acts *a = NULL;
    sea_err err;
    const char *path = tmp("bad-acts.safetensors");
    write_afile(path, f);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_acts_open(&a, path, &err), want);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
    ck_assert_msg(strstr(err.msg, "bad-acts.safetensors") != NULL, "message '%s' does not name the file", err.msg);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
}

START_TEST(test_acts_hostile)
{
    afile f;
    const char *good_meta = "{\"kind\":\"activations\",\"site\":\"mlp\",\"n_layer\":2,\"d\":3}";
    f = afile_default(4, 2, 3);
    f.omit[2] = 1;
    expect_acts_error(&f, SEA_ERR_FORMAT, "missing tensor 'base'");
    f = afile_default(4, 2, 3);
    f.shape[1][2] = 5; /* d mismatch between tensors */
    expect_acts_error(&f, SEA_ERR_FORMAT, "negative");
    f = afile_default(4, 2, 3);
    f.shape[2][0] = 3; /* N mismatch */
    expect_acts_error(&f, SEA_ERR_FORMAT, "base");
    f = afile_default(0, 2, 3);
    expect_acts_error(&f, SEA_ERR_FORMAT, "N (demonstrations)");
    f = afile_default(4, 2, 3);
    f.rank[0] = f.rank[1] = f.rank[2] = 2;
    expect_acts_error(&f, SEA_ERR_FORMAT, "rank 2");
    f = afile_default(4, 2, 3);
    f.nan_at = 7;
    expect_acts_error(&f, SEA_ERR_NUMERIC, "non-finite value (nan) at [1, 0, 1]");
    f = afile_default(4, 2, 3);
    f.dtype = SEA_DTYPE_F16;
    expect_acts_error(&f, SEA_ERR_FORMAT, "F16");
    f = afile_default(4, 2, 3);
    f.extra_tensor = "labels";
    expect_acts_error(&f, SEA_ERR_FORMAT, "unexpected tensor 'labels'");
    /* metadata lies */
    f = afile_default(4, 2, 3);
    f.sea_meta = "{\"kind\":\"activations\",\"site\":\"mlp\",\"n_layer\":3,\"d\":3}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "n_layer 3 but the tensors have 2");
    f.sea_meta = "{\"kind\":\"activations\",\"site\":\"mlp\",\"n_layer\":2,\"d\":4}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "d 4 but the tensors have width 3");
    f.sea_meta = "{\"kind\":\"projections\",\"site\":\"mlp\",\"n_layer\":2,\"d\":3}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "expected 'activations'");
    f.sea_meta = "{\"kind\":\"activations\",\"site\":\"attn\",\"n_layer\":2,\"d\":3}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "site 'attn'");
    f.sea_meta = "{\"kind\":\"activations\",\"site\":\"mlp\",\"n_layer\":2,\"d\":3,\"shard\":\"3/3\"}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "shard '3/3'");
    f.sea_meta = "{\"kind\":\"activations\",\"site\":\"mlp\",\"n_layer\":2,\"d\":3,\"demos_sha256\":\"abc\"}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "demos_sha256");
    f.sea_meta = "{\"kind\":\"activations\",\"site\":\"mlp\",\"n_layer\":\"2\",\"d\":3}";
    expect_acts_error(&f, SEA_ERR_FORMAT, "n_layer");
    f.sea_meta = "{\"kind\":\"activations\",";
    expect_acts_error(&f, SEA_ERR_FORMAT, "metadata 'sea'");
    /* and a valid one opens, with its provenance */
    f.sea_meta = good_meta;
    {
        sea_acts *a;
        sea_err err;
        int has;
        write_afile(tmp("good.safetensors"), &f);
        ck_assert_msg(sea_acts_open(&a, tmp("good.safetensors"), &err) == SEA_OK, "%s", err.msg);
        ck_assert_str_eq(sea_acts_get_meta(a, &has)->site, "mlp");
        ck_assert_int_eq(has, 1);
        ck_assert_uint_eq(sea_acts_n(a), 4);
        ck_assert(sea_acts_view(a, SEA_ACTS_BASE)[5] == (float)((5 * 7 + 2) % 13) - 6.0f);
        sea_acts_free(a);
    }
}
END_TEST

/* Rewrite a projection file with one thing changed: tensor `drop` removed, `nan_tensor`
 * poisoned, `scale_tensor` scaled, metadata replaced. */
static void rewrite_proj(const char *src, const char *dst, const char *drop, const char *nan_tensor,
                         const char *scale_tensor, float scale, const char *meta, const char *extra)
{
    sea_st_file *f;
    sea_st_writer *w;
    sea_err err;
    ck_assert_int_eq(sea_st_open(&f, src, &err), SEA_OK);
    ck_assert_int_eq(sea_st_writer_new(&w, &err), SEA_OK);
    for (size_t i = 0; i < sea_st_count(f); i++) {
        const sea_st_tensor *t = sea_st_at(f, i);
        float *data = malloc((t->n_elements ? t->n_elements : 1) * sizeof *data);
        if (drop && strcmp(t->name, drop) == 0) {
            free(data);
            continue;
        }
        ck_assert_int_eq(sea_st_read_f32(data, t, &err), SEA_OK);
        if (nan_tensor && strcmp(t->name, nan_tensor) == 0) data[0] = NAN;
        if (scale_tensor && strcmp(t->name, scale_tensor) == 0)
            for (uint64_t k = 0; k < t->n_elements; k++) data[k] *= scale;
        ck_assert_int_eq(sea_st_writer_add_copy(w, t->name, SEA_DTYPE_F32, t->rank, t->shape, data, &err), SEA_OK);
        free(data);
    }
    if (extra) {
        float one = 1;
        uint64_t s1 = 1;
        ck_assert_int_eq(sea_st_writer_add_copy(w, extra, SEA_DTYPE_F32, 1, &s1, &one, &err), SEA_OK);
    }
    ck_assert_int_eq(sea_st_writer_set_metadata(w, "sea", meta ? meta : sea_st_metadata(f, "sea"), &err), SEA_OK);
    ck_assert_int_eq(sea_st_writer_save(w, dst, &err), SEA_OK);
    sea_st_writer_free(w);
    sea_st_close(f);
}

static void expect_proj_error(const char *path, sea_status want, const char *needle)
{
    sea_proj *p = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_int_eq(sea_proj_open(&p, path, &err), want);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
    ck_assert_msg(strstr(err.msg, path) != NULL, "message '%s' does not name the file", err.msg);
}

/* Replace the first occurrence of `from` in the metadata text with `to`. */
static char *meta_edit(const char *meta, const char *from, const char *to)
{
    static char buf[8192];
    const char *at = strstr(meta, from);
    ck_assert_ptr_nonnull(at);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - meta), meta, to, at + strlen(from));
    return buf;
}

START_TEST(test_proj_hostile)
{
    sea_acts *a;
    sea_proj *p;
    sea_fit_params fp = sea_fit_default_params();
    unsigned char sel[6] = {1, 0, 0, 0, 0, 1};
    const char *good = tmp("good-proj.safetensors"), *bad = tmp("bad-proj.safetensors");
    char meta[8192], kp[64], kp_lie[64];
    sea_err err;
    sea_st_file *f;
    size_t k0;
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    fp.layers = sel;
    fp.k_ratio_pos = fp.k_ratio_neg = 0.9;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_OK);
    ck_assert_int_eq(sea_proj_save(p, good, &err), SEA_OK);
    sea_proj_u_pos(p, 0, &k0);
    sea_proj_free(p);
    sea_acts_free(a);
    ck_assert_int_eq(sea_st_open(&f, good, &err), SEA_OK);
    snprintf(meta, sizeof meta, "%s", sea_st_metadata(f, "sea"));
    sea_st_close(f);
    /* the good one opens and has only the selected layers */
    ck_assert_int_eq(sea_proj_open(&p, good, &err), SEA_OK);
    ck_assert(sea_proj_has_layer(p, 0) && !sea_proj_has_layer(p, 1) && sea_proj_has_layer(p, 5));
    sea_proj_free(p);

    rewrite_proj(good, bad, "layers.0.u_neg", NULL, NULL, 1, NULL, NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "missing tensor 'layers.0.u_neg'");
    rewrite_proj(good, bad, NULL, "layers.5.u_pos", NULL, 1, NULL, NULL);
    expect_proj_error(bad, SEA_ERR_NUMERIC, "layers.5.u_pos");
    rewrite_proj(good, bad, NULL, NULL, "layers.0.u_pos", 1.5f, NULL, NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "norm");
    rewrite_proj(good, bad, NULL, NULL, "layers.0.s_pos", -1.0f, NULL, NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "descending");
    rewrite_proj(good, bad, NULL, NULL, "layers.0.ev_neg", 2.0f, NULL, NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "explained ratios");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, NULL, "layers.1.u_pos");
    expect_proj_error(bad, SEA_ERR_FORMAT, "unexpected tensor 'layers.1.u_pos'");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, NULL, "layers.9.u_pos");
    expect_proj_error(bad, SEA_ERR_FORMAT, "unexpected tensor 'layers.9.u_pos'");
    /* metadata lies: k_pos for layer 0 says one more than the tensor has */
    snprintf(kp, sizeof kp, "\"k_pos\":[%zu,", k0);
    snprintf(kp_lie, sizeof kp_lie, "\"k_pos\":[%zu,", k0 + 1);
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, kp, kp_lie), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "layers.0.u_pos");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"d\":256", "\"d\":255"), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "u_pos");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"n_layer\":6", "\"n_layer\":5"), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "5 entries");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"kind\":\"projections\"", "\"kind\":\"activations\""), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "expected 'projections'");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"feature\":\"none\"", "\"feature\":\"poly\""), NULL);
    expect_proj_error(bad, SEA_ERR_ARG, "poly");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"k_neg\":[", "\"k_neg\":[null,"), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "k_neg");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"eps\":", "\"eps\":-"), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "eps");
    rewrite_proj(good, bad, NULL, NULL, NULL, 1, meta_edit(meta, "\"n_demos\":48", "\"n_demos\":0"), NULL);
    expect_proj_error(bad, SEA_ERR_FORMAT, "n_demos");
    /* an activation file is not a projection file */
    expect_proj_error(fixture("sea/acts-mlp.safetensors"), SEA_ERR_FORMAT, "no 'sea' metadata");
}
END_TEST

/* ---- shards ---- */
static void make_shards(sea_acts *full, size_t n, const char *model, const char *fmt)
{
    size_t N = sea_acts_n(full), L = sea_acts_n_layer(full), d = sea_acts_d(full), row = L * d;
    for (size_t i = 0; i < n; i++) {
        sea_acts *s;
        sea_acts_meta m;
        size_t Ni = (N - i + n - 1) / n;
        char name[64];
        ck_assert_int_eq(sea_acts_new(&s, Ni, L, d, NULL), SEA_OK);
        for (int w = 0; w < 3; w++)
            for (size_t r = 0; r < Ni; r++)
                memcpy(sea_acts_data(s, w) + r * row, sea_acts_view(full, w) + (r * n + i) * row, row * sizeof(float));
        memset(&m, 0, sizeof m);
        m.site = "mlp";
        m.model = model && i == 1 ? "other-model" : "kjv-demo";
        m.template_name = "none";
        m.max_new_tokens = 16;
        m.demos_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        m.shard_i = i;
        m.shard_n = n;
        ck_assert_int_eq(sea_acts_set_meta(s, &m, NULL), SEA_OK);
        snprintf(name, sizeof name, fmt, i);
        ck_assert_int_eq(sea_acts_save(s, tmp(name), NULL), SEA_OK);
        sea_acts_free(s);
    }
}

static sea_status merge_files(const char **names, size_t n, sea_acts **out, sea_err *err)
{
    sea_acts *sh[8];
    const char *paths[8];
    sea_status st;
    for (size_t i = 0; i < n; i++) {
        paths[i] = tmp(names[i]);
        ck_assert_int_eq(sea_acts_open(&sh[i], paths[i], NULL), SEA_OK);
    }
    st = sea_acts_merge(out, sh, paths, n, err);
    for (size_t i = 0; i < n; i++) sea_acts_free(sh[i]);
    return st;
}

START_TEST(test_merge)
{
    sea_acts *full, *m;
    sea_err err;
    const char *order[3] = {"s2.safetensors", "s0.safetensors", "s1.safetensors"};
    const char *missing[2] = {"s0.safetensors", "s2.safetensors"};
    const char *dup[3] = {"s0.safetensors", "s0.safetensors", "s2.safetensors"};
    const char *mixed[3] = {"s0.safetensors", "x1.safetensors", "s2.safetensors"};
    size_t count;
    ck_assert_int_eq(sea_acts_open(&full, fixture("sea/acts-mlp.safetensors"), NULL), SEA_OK);
    count = sea_acts_n(full) * sea_acts_n_layer(full) * sea_acts_d(full);
    make_shards(full, 3, NULL, "s%zu.safetensors");
    make_shards(full, 3, "other", "x%zu.safetensors");
    /* any order in, original order out, same as the unsharded run */
    ck_assert_msg(merge_files(order, 3, &m, &err) == SEA_OK, "%s", err.msg);
    ck_assert_uint_eq(sea_acts_n(m), 48);
    for (int w = 0; w < 3; w++)
        ck_assert_msg(memcmp(sea_acts_view(m, w), sea_acts_view(full, w), count * sizeof(float)) == 0, "tensor %d differs", w);
    ck_assert_uint_eq(sea_acts_get_meta(m, NULL)->shard_n, 1);
    ck_assert_int_eq(sea_acts_save(m, tmp("merged.safetensors"), NULL), SEA_OK);
    sea_acts_free(m);
    ck_assert_int_eq(merge_files(missing, 2, &m, &err), SEA_ERR_MISMATCH);
    ck_assert_msg(strstr(err.msg, "expected 3") != NULL, "%s", err.msg);
    ck_assert_int_eq(merge_files(dup, 3, &m, &err), SEA_ERR_MISMATCH);
    ck_assert_msg(strstr(err.msg, "given twice") != NULL, "%s", err.msg);
    ck_assert_int_eq(merge_files(mixed, 3, &m, &err), SEA_ERR_MISMATCH);
    ck_assert_msg(strstr(err.msg, "model differs") && strstr(err.msg, "x1.safetensors"), "%s", err.msg);
    {
        /* a file without provenance cannot be placed */
        sea_acts *sh[1];
        const char *nm[1] = {"golden"};
        ck_assert_int_eq(sea_acts_open(&sh[0], fixture("sea/acts-mlp.safetensors"), NULL), SEA_OK);
        ck_assert_int_eq(sea_acts_merge(&m, sh, nm, 1, &err), SEA_ERR_FORMAT);
        ck_assert_msg(strstr(err.msg, "no 'sea' metadata") != NULL, "%s", err.msg);
        sea_acts_free(sh[0]);
    }
    sea_acts_free(full);
}
END_TEST

/* ---- the commands ---- */
static int run(const char *args, const char *out_file)
{
    char cmd[4096];
    int rc;
    snprintf(cmd, sizeof cmd, "%s %s >'%s' 2>&1", SEA_BIN, args, out_file);
    rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path)
{
    char *buf = NULL;
    size_t len;
    ck_assert_int_eq(sea__read_file(&buf, &len, path, 1 << 24, NULL), SEA_OK);
    return buf;
}

START_TEST(test_commands)
{
    char args[2048];
    char *out, log[512];
    snprintf(log, sizeof log, "%s", tmp("log.txt")); /* tmp() reuses its buffers */
    snprintf(args, sizeof args, "fit --acts %s --out %s --k-ratio 0.9 --feature tanh --layers last:2 --stats %s --plot %s -q",
             fixture("sea/acts-mlp.safetensors"), tmp("p.safetensors"), tmp("stats.json"), tmp("plots"));
    ck_assert_int_eq(run(args, log), 0);
    out = slurp(tmp("stats.json"));
    {
        sea_json_doc *doc;
        const sea_json *layers;
        ck_assert_int_eq(sea_json_parse(&doc, out, strlen(out), NULL, NULL), SEA_OK);
        layers = sea_json_get(sea_json_root(doc), "layers");
        ck_assert_uint_eq(layers->v.arr.n, 2);
        ck_assert_int_eq(sea_json_get(&layers->v.arr.items[0], "layer")->v.num.i, 4);
        ck_assert_int_eq(sea_json_get(&layers->v.arr.items[1], "k_pos")->v.num.i, 10); /* tanh K=0.9, layer 5 */
        sea_json_free(doc);
    }
    free(out);
    out = slurp(tmp("plots/explained-layer5.svg"));
    ck_assert(strstr(out, "<svg") && strstr(out, "</svg>") && strstr(out, "k+ = 10"));
    free(out);
    out = slurp(tmp("plots/signature.svg"));
    ck_assert(strstr(out, "<rect") != NULL);
    free(out);
    snprintf(args, sizeof args, "proj info %s", tmp("p.safetensors"));
    ck_assert_int_eq(run(args, log), 0);
    out = slurp(log);
    ck_assert_msg(strstr(out, "2 of 6 layers") && strstr(out, "feature tanh"), "%s", out);
    free(out);
    snprintf(args, sizeof args, "proj info --json %s", tmp("p.safetensors"));
    ck_assert_int_eq(run(args, log), 0);
    /* usage errors exit 2, bad files exit 1 with the file named */
    snprintf(args, sizeof args, "fit --acts %s --out %s --k-ratio 0.9 --k-ratio-pos 0.8", fixture("sea/acts-mlp.safetensors"), tmp("q.safetensors"));
    ck_assert_int_eq(run(args, log), 2);
    snprintf(args, sizeof args, "fit --acts %s --out %s --layers last:9", fixture("sea/acts-mlp.safetensors"), tmp("q.safetensors"));
    ck_assert_int_eq(run(args, log), 2);
    snprintf(args, sizeof args, "fit --acts %s --out %s --feature poly", fixture("sea/acts-mlp.safetensors"), tmp("q.safetensors"));
    ck_assert_int_eq(run(args, log), 2);
    snprintf(args, sizeof args, "proj info %s", fixture("sea/acts-mlp.safetensors"));
    ck_assert_int_eq(run(args, log), 1);
    out = slurp(log);
    ck_assert_msg(strstr(out, "sea proj: ") && strstr(out, "acts-mlp.safetensors"), "%s", out);
    free(out);
    snprintf(args, sizeof args, "merge --out %s %s", tmp("m.safetensors"), fixture("sea/acts-mlp.safetensors"));
    ck_assert_int_eq(run(args, log), 1);
}
END_TEST

/* `sea bench`: R timed runs after the warm-up, reported as mean ± sd, min and max (the
 * JSON carries every run, and the batch size, load mode and thread count). */
START_TEST(test_bench_command)
{
    char args[2048], log[512], *out, *p;
    double mean, sd, mn, mx, best;
    int n_runs = 0;
    snprintf(log, sizeof log, "%s", tmp("bench.txt"));
    snprintf(args, sizeof args, "bench -m %s/../../models/kjv-demo --prompt-tokens 4 --gen-tokens 2 -r 3 --threads 1 --json",
             SEA_TEST_FIXTURES);
    ck_assert_int_eq(run(args, log), 0);
    out = slurp(log);
    ck_assert_msg(strstr(out, "\"batch\":1") && strstr(out, "\"threads\":1") && strstr(out, "\"load\":\"mmap\"") &&
                      strstr(out, "\"warmup\":1") && strstr(out, "\"reps\":3"),
                  "%s", out);
    p = strstr(out, "\"prefill_tokens_per_s\":");
    ck_assert_ptr_nonnull(p);
    best = atof(p + strlen("\"prefill_tokens_per_s\":"));
    p = strstr(out, "\"prefill\":{");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p, "\"prefill\":{\"mean\":%lf,\"sd\":%lf,\"min\":%lf,\"max\":%lf", &mean, &sd, &mn, &mx), 4);
    ck_assert_msg(mn > 0 && mn <= mean && mean <= mx && sd >= 0 && mx == best, "prefill stats %g %g %g %g best %g", mean, sd,
                  mn, mx, best);
    p = strstr(p, "\"runs\":[");
    ck_assert_ptr_nonnull(p);
    for (p += 8; *p && *p != ']'; p++)
        if (*p == ',') n_runs++;
    ck_assert_int_eq(n_runs + 1, 3);
    free(out);
    /* the text form and a bad value */
    snprintf(args, sizeof args, "bench -m %s/../../models/kjv-demo --prompt-tokens 4 --gen-tokens 2 -r 2 --warmup 0",
             SEA_TEST_FIXTURES);
    ck_assert_int_eq(run(args, log), 0);
    out = slurp(log);
    ck_assert_msg(strstr(out, " ± ") && strstr(out, "batch 1") && strstr(out, "0 warm-up + 2 timed runs"), "%s", out);
    free(out);
    ck_assert_int_eq(run("bench -r 0", log), 2);
    /* --edit: unedited and edited runs side by side, with the ratios */
    snprintf(args, sizeof args, "fit --acts %s --out %s --k-ratio 0.9 -q", fixture("sea/acts-mlp.safetensors"),
             tmp("pb.safetensors"));
    ck_assert_int_eq(run(args, log), 0);
    snprintf(args, sizeof args,
             "bench -m %s/../../models/kjv-demo --prompt-tokens 4 --gen-tokens 2 -r 2 --threads 1 --json --edit %s --layers last:2",
             SEA_TEST_FIXTURES, tmp("pb.safetensors"));
    ck_assert_int_eq(run(args, log), 0);
    out = slurp(log);
    ck_assert_msg(strstr(out, "\"prefill_edited\":{\"mean\":") && strstr(out, "\"decode_edited\":{\"mean\":") &&
                      strstr(out, "\"decode_edited_ratio\":"),
                  "%s", out);
    p = strstr(out, "\"decode_edited_ratio\":");
    ck_assert_msg(atof(p + strlen("\"decode_edited_ratio\":")) > 0, "%s", out);
    free(out);
    snprintf(args, sizeof args, "bench -m %s/../../models/kjv-demo --prompt-tokens 4 --gen-tokens 2 --layers last:2",
             SEA_TEST_FIXTURES);
    ck_assert_int_eq(run(args, log), 1); /* --layers needs --edit */
    out = slurp(log);
    ck_assert_msg(strstr(out, "need --edit PROJ") && strstr(out, "--layers") != NULL, "%s", out);
    free(out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("proj");
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_acts_hostile);
    tcase_add_test(tc, test_proj_hostile);
    tcase_add_test(tc, test_merge);
    tcase_add_test(tc, test_commands);
    tcase_add_test(tc, test_bench_command);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
