/* src/io/st_dir.c: a model checkpoint as one set of tensors: DIR/model.safetensors, or the
 * shards listed by DIR/model.safetensors.index.json.
 *
 * The index is untrusted data: shard names must be plain file names (no '/', '\\', "..",
 * NUL, drive letters), every shard it names must exist and contain exactly the tensors the
 * index assigns to it, and no tensor may appear in two shards. Symbolic links are followed
 * (the Hugging Face cache stores every file as a link into a blob store); the name check is
 * what keeps the index from reaching outside the directory. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/internal.h"
#include "io/st_internal.h"
#include "sea/json.h"
#include "sea/safetensors.h"

struct sea_st_dir {
    char *dir;
    sea_st_file **files;
    size_t n_files;
    const sea_st_tensor **index; /* [n], sorted by name */
    size_t n;
    uint64_t data_bytes;
};

static int cmp_tensor_ptr(const void *a, const void *b)
{
    return strcmp((*(const sea_st_tensor *const *)a)->name, (*(const sea_st_tensor *const *)b)->name);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sea_st_dir_close(sea_st_dir *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n_files; i++) sea_st_close(d->files[i]);
    sea__free(d->files);
    sea__free(d->index);
    sea__free(d->dir);
    sea__free(d);
}

/* Build the sorted index over all files; refuses a tensor present in two files. */
static sea_status build_index(sea_st_dir *d, sea_err *err)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < d->n_files; i++) total += sea_st_count(d->files[i]);
    d->index = sea__malloc_array(total ? total : 1, sizeof *d->index);
    if (!d->index) return sea__err_nomem(err, "the tensor index");
    for (size_t i = 0; i < d->n_files; i++)
        for (size_t j = 0; j < sea_st_count(d->files[i]); j++) {
            sea_st_tensor *t = (sea_st_tensor *)sea_st_at(d->files[i], j);
            t->shard = (int)i;
            d->index[k++] = t;
            d->data_bytes += t->nbytes;
        }
    d->n = total;
    qsort(d->index, d->n, sizeof *d->index, cmp_tensor_ptr);
    for (size_t i = 1; i < d->n; i++)
        if (strcmp(d->index[i]->name, d->index[i - 1]->name) == 0)
            return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' is in two shards, %s and %s", d->dir,
                            d->index[i]->name, sea__basename(sea_st_file_path(d->files[d->index[i - 1]->shard])),
                            sea__basename(sea_st_file_path(d->files[d->index[i]->shard])));
    return SEA_OK;
}

static size_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* Keys of weight_map are tensor names: the reader's rule (no NUL, which would make "a\0b"
 * look up "a"; no control characters; at most SEA_ST_MAX_NAME bytes). */
static int key_ok(const char *s, size_t len)
{
    if (len == 0 || len > SEA_ST_MAX_NAME) return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
    return 1;
}

static sea_status open_sharded(sea_st_dir *d, const char *index_path, sea_err *err)
{
    char *text = NULL;
    size_t len;
    sea_json_doc *doc = NULL;
    const sea_json *root, *wm, *meta;
    const char **names = NULL; /* distinct shard names, borrowed from the JSON */
    size_t n_names = 0, *slots = NULL; /* hash set of names: index + 1, 0 = empty */
    sea_status st;
    const char *iname = "model.safetensors.index.json";

    {
        /* sea__read_file would block on a FIFO planted under the index's name */
        struct stat sb;
        if (stat(index_path, &sb) == 0 && !S_ISREG(sb.st_mode))
            return sea__err(err, SEA_ERR_IO, "%s: not a regular file", index_path);
    }
    if ((st = sea__read_file(&text, &len, index_path, SEA_ST_MAX_HEADER, err)) != SEA_OK) return st;
    if ((st = sea_json_parse(&doc, text, len, NULL, err)) != SEA_OK) {
        sea__err_prefix(err, "%s", index_path);
        goto done;
    }
    root = sea_json_root(doc);
    wm = sea_json_get(root, "weight_map");
    if (root->type != SEA_JSON_OBJECT || !wm || wm->type != SEA_JSON_OBJECT) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: missing 'weight_map' object", index_path);
        goto done;
    }
    if (wm->v.obj.n == 0) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: 'weight_map' is empty", index_path);
        goto done;
    }
    names = sea__malloc_array(SEA_ST_MAX_SHARDS, sizeof *names);
    slots = sea__calloc(2 * SEA_ST_MAX_SHARDS, sizeof *slots);
    if (!names || !slots) {
        st = sea__err_nomem(err, "the shard list");
        goto done;
    }
    for (size_t i = 0; i < wm->v.obj.n; i++) {
        const sea_json_member *m = &wm->v.obj.members[i];
        size_t j, h;
        if (!key_ok(m->key, m->key_len)) {
            st = sea__err(err, SEA_ERR_FORMAT,
                          "%s: weight_map key '%.80s' is not a tensor name (1..%d printable bytes)", index_path,
                          m->key, SEA_ST_MAX_NAME);
            goto done;
        }
        if (m->value.type != SEA_JSON_STRING) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: weight_map entry '%.80s' must be a file name string",
                          index_path, m->key);
            goto done;
        }
        if (!sea__is_plain_filename(m->value.v.str.s, m->value.v.str.len)) {
            st = sea__err(err, SEA_ERR_FORMAT,
                          "%s: weight_map entry '%.80s' names shard '%.80s', which is not a plain file name inside the model directory",
                          index_path, m->key, m->value.v.str.s);
            goto done;
        }
        /* distinct shard names through a small hash set: an index may list millions of
         * tensors over thousands of shards, and a scan of the names per entry would be slow */
        for (h = hash_name(m->value.v.str.s) & (2 * SEA_ST_MAX_SHARDS - 1);; h = (h + 1) & (2 * SEA_ST_MAX_SHARDS - 1)) {
            if (!slots[h] || strcmp(names[slots[h] - 1], m->value.v.str.s) == 0) break;
        }
        j = slots[h] ? slots[h] - 1 : n_names;
        if (j == n_names) {
            if (n_names == SEA_ST_MAX_SHARDS) {
                st = sea__err(err, SEA_ERR_LIMIT, "%s: more than %d shards", index_path, SEA_ST_MAX_SHARDS);
                goto done;
            }
            names[n_names++] = m->value.v.str.s;
            slots[h] = n_names;
        }
    }
    d->files = sea__calloc(n_names, sizeof *d->files);
    if (!d->files) {
        st = sea__err_nomem(err, "the shard list");
        goto done;
    }
    for (size_t j = 0; j < n_names; j++) {
        char *p = sea__path_join(d->dir, names[j]);
        if (!p) {
            st = sea__err_nomem(err, "a path");
            goto done;
        }
        st = sea_st_open(&d->files[j], p, err);
        sea__free(p);
        if (st != SEA_OK) {
            if (st == SEA_ERR_IO) sea__err_prefix(err, "%s lists shard '%s'", iname, names[j]);
            goto done;
        }
        d->n_files++;
    }
    if ((st = build_index(d, err)) != SEA_OK) goto done;
    /* every index entry is in the shard it names */
    for (size_t i = 0; i < wm->v.obj.n; i++) {
        const sea_json_member *m = &wm->v.obj.members[i];
        const sea_st_tensor *t = sea_st_dir_find(d, m->key);
        if (!t) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%.80s' is listed in shard '%s' but no shard contains it",
                          index_path, m->key, m->value.v.str.s);
            goto done;
        }
        if (strcmp(sea__basename(sea_st_file_path(d->files[t->shard])), m->value.v.str.s) != 0) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%.80s' is listed in shard '%s' but found in '%s'",
                          index_path, m->key, m->value.v.str.s, sea__basename(sea_st_file_path(d->files[t->shard])));
            goto done;
        }
    }
    /* and no shard holds a tensor the index does not list */
    if (d->n != wm->v.obj.n) {
        const char **keys = sea__malloc_array(wm->v.obj.n, sizeof *keys);
        if (!keys) {
            st = sea__err_nomem(err, "the index keys");
            goto done;
        }
        for (size_t i = 0; i < wm->v.obj.n; i++) keys[i] = wm->v.obj.members[i].key;
        qsort(keys, wm->v.obj.n, sizeof *keys, cmp_str_ptr);
        for (size_t i = 0; i < d->n; i++)
            if (!bsearch(&d->index[i]->name, keys, wm->v.obj.n, sizeof *keys, cmp_str_ptr)) {
                sea__free(keys);
                st = sea__err(err, SEA_ERR_FORMAT, "%s: shard '%s' holds tensor '%.80s', which the index does not list",
                              index_path, sea__basename(sea_st_file_path(d->files[d->index[i]->shard])), d->index[i]->name);
                goto done;
            }
        sea__free(keys);
    }
    /* metadata.total_size is informative: checkpoints on the Hub do not always agree with
     * their data (e.g. after deduplication), and nothing is sized from it, so a mismatch is a
     * warning, not an error (compared exactly, not through a double) */
    meta = sea_json_get(root, "metadata");
    if (meta && meta->type == SEA_JSON_OBJECT) {
        const sea_json *ts = sea_json_get(meta, "total_size");
        if (ts && ts->type != SEA_JSON_NULL &&
            !(ts->type == SEA_JSON_NUMBER && (ts->v.num.flags & SEA_JSON_NUM_U64) && ts->v.num.u == d->data_bytes)) {
            if (ts->type == SEA_JSON_NUMBER)
                sea__warn("%s: metadata.total_size %.17g differs from the %llu bytes of tensor data", index_path,
                          ts->v.num.d, (unsigned long long)d->data_bytes);
            else
                sea__warn("%s: metadata.total_size is not a number (ignored)", index_path);
        }
    }
    st = SEA_OK;
done:
    sea__free(slots);
    sea__free(names);
    sea_json_free(doc);
    sea__free(text);
    return st;
}

sea_status sea_st_dir_open(sea_st_dir **out, const char *dir, sea_err *err)
{
    sea_st_dir *d;
    char *single, *index;
    sea_status st;
    *out = NULL;
    d = sea__calloc(1, sizeof *d);
    if (!d || !(d->dir = sea__strdup(dir))) {
        sea__free(d);
        return sea__err_nomem(err, "a checkpoint handle");
    }
    single = sea__path_join(dir, "model.safetensors");
    index = sea__path_join(dir, "model.safetensors.index.json");
    if (!single || !index) {
        st = sea__err_nomem(err, "a path");
    } else if (sea__file_exists(single)) {
        d->files = sea__calloc(1, sizeof *d->files);
        if (!d->files) st = sea__err_nomem(err, "a checkpoint handle");
        else if ((st = sea_st_open(&d->files[0], single, err)) == SEA_OK) {
            d->n_files = 1;
            st = build_index(d, err);
        }
    } else if (sea__file_exists(index)) {
        st = open_sharded(d, index, err);
    } else {
        st = sea__err(err, SEA_ERR_IO, "%s: no model.safetensors or model.safetensors.index.json", dir);
    }
    sea__free(single);
    sea__free(index);
    if (st != SEA_OK) {
        sea__st_one_line(err);
        sea_st_dir_close(d);
        return st;
    }
    *out = d;
    return SEA_OK;
}

size_t sea_st_dir_count(const sea_st_dir *d) { return d->n; }
const sea_st_tensor *sea_st_dir_at(const sea_st_dir *d, size_t i) { return i < d->n ? d->index[i] : NULL; }
size_t sea_st_dir_n_files(const sea_st_dir *d) { return d->n_files; }
uint64_t sea_st_dir_data_bytes(const sea_st_dir *d) { return d->data_bytes; }

const sea_st_tensor *sea_st_dir_find(const sea_st_dir *d, const char *name)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->index[mid]->name, name);
        if (c == 0) return d->index[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

const char *sea_st_dir_file_of(const sea_st_dir *d, const sea_st_tensor *t)
{
    if (t->shard < 0 || (size_t)t->shard >= d->n_files) return d->dir;
    return sea_st_file_path(d->files[t->shard]);
}
