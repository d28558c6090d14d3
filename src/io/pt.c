/* src/io/pt.c: PyTorch .pt files as torch.save writes them (since torch 1.6): a zip archive of
 * stored (uncompressed) entries "<top>/data.pkl" (a pickle), "<top>/data/<key>" (raw little-
 * endian storages), "<top>/version", maybe "<top>/byteorder". The zip reader checks the end
 * records (zip64 included), every central entry against its local header and the file bounds,
 * and refuses compression and encryption. The unpickler runs only the opcodes torch.save emits
 * (protocols 2 to 5) and builds plain values; the only callables it knows are the tensor and
 * parameter rebuild functions, the storage classes and OrderedDict, so nothing else can be
 * named, let alone run. Sizes are bounded; tensors are views checked against their storage. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#if defined(HAVE_MMAP)
#include <sys/mman.h>
#endif
#include "io/pt_internal.h"

#define PKL_MAX ((size_t)16 << 20)   /* data.pkl bytes */
#define VALS_MAX ((size_t)1 << 18)   /* values built by the unpickler */
#define STACK_MAX ((size_t)1 << 20)  /* unpickler stack entries */
#define MARKS_MAX 4096               /* nested MARKs */
#define MEMO_MAX ((size_t)1 << 20)   /* memo slots */
#define ENTRIES_MAX ((size_t)1 << 20)/* zip entries */
#define NAME_MAX_LEN 4096

enum { G_REBUILD_V2 = 1, G_REBUILD_PARAM, G_REBUILD_PARAM_STATE, G_ORDERED_DICT, G_STORAGE };

typedef struct zentry {
    const char *name; /* into the image, not NUL-terminated */
    size_t name_len;
    uint64_t off, size; /* data start and length */
} zentry;

struct sea__pt_file {
    char *path;
    const unsigned char *base;
    size_t len;
    int how; /* 0 caller memory, 1 mmap, 2 malloc */
    zentry *ent;
    size_t n_ent;
    char *top; /* folder of data.pkl */
    size_t top_len;
    sea__pt_val **vals; /* every value allocated (freed together) */
    size_t n_vals, cap_vals;
    const sea__pt_val *root;
};

const sea__pt_val *sea__pt_root(const sea__pt_file *f) { return f->root; }
const char *sea__pt_name(const sea__pt_file *f) { return f->path; }

void sea__pt_close(sea__pt_file *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n_vals; i++) {
        sea__free(f->vals[i]->items);
        sea__free(f->vals[i]->s);
        sea__free(f->vals[i]);
    }
    sea__free(f->vals);
    sea__free(f->ent);
    sea__free(f->top);
#if defined(HAVE_MMAP)
    if (f->how == 1) munmap((void *)f->base, f->len);
#endif
    if (f->how == 2) sea__free((void *)f->base);
    sea__free(f->path);
    sea__free(f);
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* ---- CRC-32 (zip) ---- */
uint32_t sea__pt_crc32(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    uint32_t table[256]; /* built per call (no shared state): calls are per row, rows are large */
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    crc = ~crc;
    while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- zip container ---- */
static int cmp_entry(const void *a, const void *b)
{
    const zentry *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

static const zentry *find_entry(const sea__pt_file *f, const char *name, size_t len)
{
    size_t lo = 0, hi = f->n_ent;
    zentry key;
    key.name = name;
    key.name_len = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_entry(&key, &f->ent[mid]);
        if (!c) return &f->ent[mid];
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

/* Find "<top>/<rest>" */
static const zentry *find_member(const sea__pt_file *f, const char *rest)
{
    char name[NAME_MAX_LEN + 64];
    size_t r = strlen(rest);
    if (f->top_len + 1 + r >= sizeof name) return NULL;
    memcpy(name, f->top, f->top_len);
    name[f->top_len] = '/';
    memcpy(name + f->top_len + 1, rest, r);
    return find_entry(f, name, f->top_len + 1 + r);
}

#define ZFAIL(...) return sea__err(err, SEA_ERR_FORMAT, __VA_ARGS__)

static sea_status read_zip(sea__pt_file *f, sea_err *err)
{
    const unsigned char *b = f->base;
    size_t len = f->len, eocd = (size_t)-1, lo;
    uint64_t n_ent, cd_size, cd_off, pos;
    const zentry *pkl = NULL;
    if (len >= 2 && b[0] == 0x80 && len >= 2 && b[1] <= 5)
        ZFAIL("a bare pickle (torch.save's legacy format, before torch 1.6 or with "
              "_use_new_zipfile_serialization=False) is not supported: save it again with the default zip format");
    if (len < 22 || memcmp(b, "PK\3\4", 4) != 0) ZFAIL("not a zip archive (torch.save writes one): no local header at the start");
    lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    for (size_t p = len - 22 + 1; p-- > lo;)
        if (memcmp(b + p, "PK\5\6", 4) == 0 && p + 22 + le16(b + p + 20) == len) {
            eocd = p;
            break;
        }
    if (eocd == (size_t)-1) ZFAIL("zip: no end of central directory record");
    if (le16(b + eocd + 4) != 0 || le16(b + eocd + 6) != 0) ZFAIL("zip: multi-disk archives are not supported");
    n_ent = le16(b + eocd + 10);
    cd_size = le32(b + eocd + 12);
    cd_off = le32(b + eocd + 16);
    if (le16(b + eocd + 8) != n_ent) ZFAIL("zip: entry counts of the end record disagree");
    if (n_ent == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
        uint64_t z;
        if (eocd < 20 || memcmp(b + eocd - 20, "PK\6\7", 4) != 0) ZFAIL("zip: zip64 values without a zip64 locator");
        z = sea__load_le64(b + eocd - 20 + 8);
        if (z > eocd - 20 || eocd - 20 - z < 56 || memcmp(b + z, "PK\6\6", 4) != 0) ZFAIL("zip: zip64 end record out of place");
        if (le32(b + z + 16) != 0 || le32(b + z + 20) != 0) ZFAIL("zip: multi-disk archives are not supported");
        n_ent = sea__load_le64(b + z + 32);
        if (sea__load_le64(b + z + 24) != n_ent) ZFAIL("zip: entry counts of the zip64 end record disagree");
        cd_size = sea__load_le64(b + z + 40);
        cd_off = sea__load_le64(b + z + 48);
    }
    if (cd_off > eocd || cd_size > eocd - cd_off) ZFAIL("zip: central directory [%llu, +%llu) outside the file", (unsigned long long)cd_off, (unsigned long long)cd_size);
    if (n_ent == 0) ZFAIL("zip: empty archive");
    if (n_ent > ENTRIES_MAX || n_ent > cd_size / 46) ZFAIL("zip: %llu entries do not fit the central directory", (unsigned long long)n_ent);
    f->ent = sea__calloc((size_t)n_ent, sizeof *f->ent);
    if (!f->ent) return sea__err_nomem(err, "zip entries");
    pos = cd_off;
    for (uint64_t i = 0; i < n_ent; i++) {
        const unsigned char *c = b + pos;
        uint64_t csize, usize, loff, data;
        unsigned nl, xl, cl, method, flags;
        zentry *e = &f->ent[i];
        if (cd_off + cd_size - pos < 46 || memcmp(c, "PK\1\2", 4) != 0) ZFAIL("zip: central entry %llu is malformed", (unsigned long long)i);
        flags = le16(c + 8);
        method = le16(c + 10);
        csize = le32(c + 20);
        usize = le32(c + 24);
        nl = le16(c + 28);
        xl = le16(c + 30);
        cl = le16(c + 32);
        loff = le32(c + 42);
        if (cd_off + cd_size - pos - 46 < (uint64_t)nl + xl + cl) ZFAIL("zip: central entry %llu overruns the directory", (unsigned long long)i);
        e->name = (const char *)c + 46;
        e->name_len = nl;
        if (nl == 0 || nl > NAME_MAX_LEN || memchr(e->name, 0, nl)) ZFAIL("zip: entry %llu has an empty, too long or NUL-containing name", (unsigned long long)i);
        if (flags & 1) ZFAIL("zip: entry '%.*s' is encrypted", (int)SEA_MIN(nl, 200u), e->name);
        if (method != 0)
            ZFAIL("zip: entry '%.*s' is compressed (method %u); only stored entries (what torch.save writes) are supported",
                  (int)SEA_MIN(nl, 200u), e->name, method);
        { /* zip64 extra field: the 0xFFFFFFFF values, in order */
            const unsigned char *x = c + 46 + nl, *xe = x + xl;
            while (xe - x >= 4) {
                unsigned id = le16(x), sz = le16(x + 2);
                const unsigned char *q = x + 4;
                if ((size_t)(xe - q) < sz) ZFAIL("zip: entry '%.*s' has a malformed extra field", (int)SEA_MIN(nl, 200u), e->name);
                if (id == 1) {
                    const unsigned char *qe = q + sz;
                    if (usize == 0xFFFFFFFFu) { if (qe - q < 8) ZFAIL("zip: short zip64 field"); usize = sea__load_le64(q); q += 8; }
                    if (csize == 0xFFFFFFFFu) { if (qe - q < 8) ZFAIL("zip: short zip64 field"); csize = sea__load_le64(q); q += 8; }
                    if (loff == 0xFFFFFFFFu) { if (qe - q < 8) ZFAIL("zip: short zip64 field"); loff = sea__load_le64(q); q += 8; }
                }
                x += 4 + sz;
            }
        }
        if (csize != usize) ZFAIL("zip: stored entry '%.*s' has different compressed and plain sizes", (int)SEA_MIN(nl, 200u), e->name);
        /* local header: same name, data right after it, inside the file before the directory */
        if (loff > cd_off || cd_off - loff < 30 || memcmp(b + loff, "PK\3\4", 4) != 0)
            ZFAIL("zip: entry '%.*s': no local header at offset %llu", (int)SEA_MIN(nl, 200u), e->name, (unsigned long long)loff);
        if (le16(b + loff + 8) != 0) ZFAIL("zip: entry '%.*s': local header says compressed", (int)SEA_MIN(nl, 200u), e->name);
        data = loff + 30 + (uint64_t)le16(b + loff + 26) + le16(b + loff + 28);
        if (le16(b + loff + 26) != nl || cd_off - loff - 30 < nl || memcmp(b + loff + 30, e->name, nl) != 0)
            ZFAIL("zip: entry '%.*s': local and central names differ", (int)SEA_MIN(nl, 200u), e->name);
        if (data > cd_off || cd_off - data < usize)
            ZFAIL("zip: entry '%.*s': data [%llu, +%llu) runs past the central directory", (int)SEA_MIN(nl, 200u), e->name,
                  (unsigned long long)data, (unsigned long long)usize);
        e->off = data;
        e->size = usize;
        pos += 46 + (uint64_t)nl + xl + cl;
        (void)flags;
    }
    f->n_ent = (size_t)n_ent;
    qsort(f->ent, f->n_ent, sizeof *f->ent, cmp_entry);
    for (size_t i = 1; i < f->n_ent; i++)
        if (cmp_entry(&f->ent[i - 1], &f->ent[i]) == 0) ZFAIL("zip: entry '%.*s' appears twice", (int)SEA_MIN(f->ent[i].name_len, (size_t)200), f->ent[i].name);
    /* exactly one "<top>/data.pkl" with a plain top folder */
    for (size_t i = 0; i < f->n_ent; i++) {
        const zentry *e = &f->ent[i];
        const char *sl = memchr(e->name, '/', e->name_len);
        if (sl && (size_t)(e->name + e->name_len - sl) == 9 && memcmp(sl, "/data.pkl", 9) == 0 && sl > e->name) {
            if (pkl) ZFAIL("zip: more than one data.pkl (not a torch.save archive)");
            pkl = e;
        }
    }
    if (!pkl) {
        for (size_t i = 0; i < f->n_ent; i++)
            if (f->ent[i].name_len >= 13 && memcmp(f->ent[i].name + f->ent[i].name_len - 13, "constants.pkl", 13) == 0)
                ZFAIL("a TorchScript archive (torch.jit.save), not a torch.save file");
        ZFAIL("zip: no '<folder>/data.pkl' entry (not a torch.save file)");
    }
    f->top_len = (size_t)((const char *)memchr(pkl->name, '/', pkl->name_len) - pkl->name);
    if (!(f->top = sea__strndup(pkl->name, f->top_len))) return sea__err_nomem(err, "zip");
    for (size_t i = 0; i < f->n_ent; i++)
        if (f->ent[i].name_len <= f->top_len || memcmp(f->ent[i].name, pkl->name, f->top_len + 1) != 0)
            ZFAIL("zip: entry '%.*s' is outside the folder '%s' of data.pkl", (int)SEA_MIN(f->ent[i].name_len, (size_t)200), f->ent[i].name, f->top);
    {
        const zentry *bo = find_member(f, "byteorder");
        if (bo && !(bo->size == 6 && memcmp(b + bo->off, "little", 6) == 0))
            ZFAIL("byteorder record is not 'little' (big-endian storages are not supported)");
    }
    return SEA_OK;
}

/* ---- unpickler ---- */
typedef struct upk {
    sea__pt_file *f;
    const unsigned char *p, *start, *end;
    sea__pt_val **stack;
    size_t sp, scap;
    size_t marks[MARKS_MAX];
    size_t n_marks;
    sea__pt_val **memo;
    size_t memo_cap, memo_len; /* slots allocated, slots filled */
    sea_err *err;
} upk;

static sea_status uerr(upk *u, const char *fmt, ...) SEA_PRINTF(2, 3);
static sea_status uerr(upk *u, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sea__err(u->err, SEA_ERR_FORMAT, "data.pkl offset %zu: %s", (size_t)(u->p - u->start), msg);
}

static sea__pt_val *newval(upk *u, sea__pt_kind k)
{
    sea__pt_file *f = u->f;
    sea__pt_val *v;
    if (f->n_vals >= VALS_MAX) return NULL;
    if (f->n_vals == f->cap_vals) {
        size_t nc = f->cap_vals ? f->cap_vals * 2 : 64;
        sea__pt_val **nv = sea__realloc(f->vals, nc * sizeof *nv);
        if (!nv) return NULL;
        f->vals = nv;
        f->cap_vals = nc;
    }
    v = sea__calloc(1, sizeof *v);
    if (!v) return NULL;
    v->kind = k;
    f->vals[f->n_vals++] = v;
    return v;
}

static int add_item(sea__pt_val *c, sea__pt_val *x)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 4;
        sea__pt_val **ni = sea__realloc(c->items, nc * sizeof *ni);
        if (!ni) return -1;
        c->items = ni;
        c->cap = nc;
    }
    c->items[c->n++] = x;
    return 0;
}

static sea_status push(upk *u, sea__pt_val *v)
{
    if (!v) return u->f->n_vals >= VALS_MAX ? uerr(u, "more than %zu values", VALS_MAX) : sea__err_nomem(u->err, "unpickler");
    if (u->sp == u->scap) {
        size_t nc = u->scap ? u->scap * 2 : 64;
        sea__pt_val **ns;
        if (u->scap >= STACK_MAX) return uerr(u, "stack deeper than %zu entries", STACK_MAX);
        ns = sea__realloc(u->stack, nc * sizeof *ns);
        if (!ns) return sea__err_nomem(u->err, "unpickler");
        u->stack = ns;
        u->scap = nc;
    }
    u->stack[u->sp++] = v;
    return SEA_OK;
}

/* Items above the top mark: index of the first one; the mark is removed. */
static sea_status pop_mark(upk *u, size_t *first)
{
    if (!u->n_marks) return uerr(u, "no MARK on the stack");
    *first = u->marks[--u->n_marks];
    if (*first > u->sp) return uerr(u, "MARK above the stack top");
    return SEA_OK;
}

static sea_status need(upk *u, size_t n)
{
    if ((size_t)(u->end - u->p) < n) return uerr(u, "truncated opcode argument");
    return SEA_OK;
}

static sea_status need_stack(upk *u, size_t n)
{
    size_t floor = u->n_marks ? u->marks[u->n_marks - 1] : 0;
    if (u->sp < floor + n) return uerr(u, "stack underflow");
    return SEA_OK;
}

static sea_status memo_put(upk *u, uint64_t idx)
{
    if (!u->sp) return uerr(u, "memo store with an empty stack");
    if (idx >= MEMO_MAX) return uerr(u, "memo index %llu too large", (unsigned long long)idx);
    if (idx >= u->memo_cap) {
        size_t nc = u->memo_cap ? u->memo_cap : 64;
        sea__pt_val **nm;
        while (nc <= idx) nc *= 2;
        nm = sea__realloc(u->memo, nc * sizeof *nm);
        if (!nm) return sea__err_nomem(u->err, "unpickler memo");
        memset(nm + u->memo_cap, 0, (nc - u->memo_cap) * sizeof *nm);
        u->memo = nm;
        u->memo_cap = nc;
    }
    if (!u->memo[idx]) u->memo_len++;
    u->memo[idx] = u->stack[u->sp - 1];
    return SEA_OK;
}

static sea_status memo_get(upk *u, uint64_t idx)
{
    if (idx >= u->memo_cap || !u->memo[idx]) return uerr(u, "memo index %llu was never stored", (unsigned long long)idx);
    return push(u, u->memo[idx]);
}

static sea__pt_val *make_str(upk *u, const unsigned char *s, size_t n)
{
    sea__pt_val *v = newval(u, SEA__PT_STR);
    if (!v) return NULL;
    if (!(v->s = sea__strndup((const char *)s, n))) return NULL;
    v->len = n;
    return v;
}

/* Printable copy of a name for messages. */
static void printable(char *dst, size_t cap, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < cap; i++) dst[j++] = (s[i] >= 32 && s[i] < 127) ? s[i] : '?';
    dst[j] = 0;
}

static sea_status do_global(upk *u, const char *mod, size_t ml, const char *name, size_t nl)
{
    static const struct {
        const char *mod, *name;
        int which;
        sea_dtype dtype;
    } allowed[] = {
        {"torch._utils", "_rebuild_tensor_v2", G_REBUILD_V2, SEA_DTYPE_F32},
        {"torch._utils", "_rebuild_parameter", G_REBUILD_PARAM, SEA_DTYPE_F32},
        {"torch._utils", "_rebuild_parameter_with_state", G_REBUILD_PARAM_STATE, SEA_DTYPE_F32},
        {"collections", "OrderedDict", G_ORDERED_DICT, SEA_DTYPE_F32},
        {"torch", "FloatStorage", G_STORAGE, SEA_DTYPE_F32},
        {"torch", "HalfStorage", G_STORAGE, SEA_DTYPE_F16},
        {"torch", "BFloat16Storage", G_STORAGE, SEA_DTYPE_BF16},
        {"torch", "DoubleStorage", G_STORAGE, SEA_DTYPE_F64},
    };
    char pm[80], pn[80];
    for (size_t i = 0; i < SEA_ARRAY_LEN(allowed); i++)
        if (strlen(allowed[i].mod) == ml && memcmp(allowed[i].mod, mod, ml) == 0 && strlen(allowed[i].name) == nl &&
            memcmp(allowed[i].name, name, nl) == 0) {
            sea__pt_val *v = newval(u, SEA__PT_GLOBAL);
            if (v) {
                v->i = allowed[i].which;
                v->t.dtype = allowed[i].dtype;
            }
            return push(u, v);
        }
    printable(pm, sizeof pm, mod, ml);
    printable(pn, sizeof pn, name, nl);
    if (ml == 5 && memcmp(mod, "torch", 5) == 0 && nl > 7 && memcmp(name + nl - 7, "Storage", 7) == 0)
        return uerr(u, "storage class 'torch.%s' is not supported (float32, float16, bfloat16 and float64 are)", pn);
    return uerr(u, "GLOBAL '%s %s' is not allowed (only torch's tensor rebuild functions, float storage classes "
                   "and collections.OrderedDict)", pm, pn);
}

/* BINPERSID: ('storage', <storage class>, key, location, numel) */
static sea_status do_persid(upk *u)
{
    sea__pt_val *t, *v;
    const zentry *e;
    char rest[NAME_MAX_LEN + 8];
    uint64_t bytes;
    size_t es;
    if (need_stack(u, 1)) return SEA_ERR_FORMAT;
    t = u->stack[--u->sp];
    if (t->kind != SEA__PT_TUPLE || t->n != 5 || t->items[0]->kind != SEA__PT_STR || strcmp(t->items[0]->s, "storage") != 0)
        return uerr(u, "persistent id is not a ('storage', class, key, location, numel) tuple");
    if (t->items[1]->kind != SEA__PT_GLOBAL || t->items[1]->i != G_STORAGE) return uerr(u, "persistent id does not name a storage class");
    if (t->items[2]->kind != SEA__PT_STR || t->items[3]->kind != SEA__PT_STR || t->items[4]->kind != SEA__PT_INT)
        return uerr(u, "persistent id fields have the wrong types");
    if (!sea__is_plain_filename(t->items[2]->s, t->items[2]->len) || t->items[2]->len > NAME_MAX_LEN)
        return uerr(u, "storage key is not a plain name");
    if (t->items[4]->i < 0) return uerr(u, "storage has a negative size");
    snprintf(rest, sizeof rest, "data/%s", t->items[2]->s);
    e = find_member(u->f, rest);
    if (!e) return uerr(u, "storage '%s' has no entry '%s/%s' in the archive", t->items[2]->s, u->f->top, rest);
    es = sea_dtype_size(t->items[1]->t.dtype);
    if (sea__mul_u64(&bytes, (uint64_t)t->items[4]->i, es) || bytes > e->size)
        return uerr(u, "storage '%s' of %lld elements x %zu bytes runs past its entry (%llu bytes)", t->items[2]->s,
                    (long long)t->items[4]->i, es, (unsigned long long)e->size);
    v = newval(u, SEA__PT_STORAGE);
    if (v) {
        v->t.dtype = t->items[1]->t.dtype;
        v->t.data = u->f->base + e->off;
        v->t.storage_numel = (uint64_t)t->items[4]->i;
    }
    return push(u, v);
}

static sea_status int_tuple(upk *u, const sea__pt_val *t, uint64_t *out, int *n, const char *what)
{
    if (t->kind != SEA__PT_TUPLE) return uerr(u, "tensor %s is not a tuple", what);
    if (t->n > SEA__PT_MAX_RANK) return uerr(u, "tensor rank %zu exceeds %d", t->n, SEA__PT_MAX_RANK);
    for (size_t i = 0; i < t->n; i++) {
        if (t->items[i]->kind != SEA__PT_INT || t->items[i]->i < 0 || t->items[i]->i > ((int64_t)1 << 48))
            return uerr(u, "tensor %s entry %zu is not an integer in [0, 2^48]", what, i);
        out[i] = (uint64_t)t->items[i]->i;
    }
    *n = (int)t->n;
    return SEA_OK;
}

static sea_status rebuild_tensor(upk *u, const sea__pt_val *args, sea__pt_val **out)
{
    const sea__pt_val *s;
    sea__pt_val *v;
    sea__pt_tensor t;
    int rs, rt;
    uint64_t numel = 1, last = 0;
    if (args->kind != SEA__PT_TUPLE || args->n < 6 || args->n > 7) return uerr(u, "_rebuild_tensor_v2 takes 6 or 7 arguments");
    s = args->items[0];
    if (s->kind != SEA__PT_STORAGE) return uerr(u, "_rebuild_tensor_v2: first argument is not a storage");
    memset(&t, 0, sizeof t);
    if (args->items[1]->kind != SEA__PT_INT || args->items[1]->i < 0) return uerr(u, "_rebuild_tensor_v2: bad storage offset");
    t.offset = (uint64_t)args->items[1]->i;
    if (int_tuple(u, args->items[2], t.shape, &rs, "size") || int_tuple(u, args->items[3], t.stride, &rt, "stride")) return SEA_ERR_FORMAT;
    if (rs != rt) return uerr(u, "_rebuild_tensor_v2: size has %d entries, stride %d", rs, rt);
    if (args->items[4]->kind != SEA__PT_BOOL) return uerr(u, "_rebuild_tensor_v2: requires_grad is not a bool");
    if (args->items[5]->kind != SEA__PT_DICT && args->items[5]->kind != SEA__PT_NONE)
        return uerr(u, "_rebuild_tensor_v2: backward hooks are not a dict");
    if (args->items[5]->kind == SEA__PT_DICT && args->items[5]->n) return uerr(u, "_rebuild_tensor_v2: backward hooks are not supported");
    t.rank = rs;
    t.dtype = s->t.dtype;
    t.data = s->t.data;
    t.storage_numel = s->t.storage_numel;
    for (int i = 0; i < rs; i++) {
        uint64_t span;
        if (sea__mul_u64(&numel, numel, t.shape[i]) || numel > ((uint64_t)1 << 48)) return uerr(u, "tensor has too many elements");
        if (t.shape[i] && (sea__mul_u64(&span, t.shape[i] - 1, t.stride[i]) || sea__add_u64(&last, last, span)))
            return uerr(u, "tensor strides overflow");
    }
    if (numel && (sea__add_u64(&last, last, t.offset) || last >= t.storage_numel))
        return uerr(u, "tensor reaches element %llu of a storage of %llu elements", (unsigned long long)last,
                    (unsigned long long)t.storage_numel);
    v = newval(u, SEA__PT_TENSOR);
    if (!v) return sea__err_nomem(u->err, "unpickler");
    v->t = t;
    *out = v;
    return SEA_OK;
}

static sea_status do_reduce(upk *u)
{
    sea__pt_val *fn, *args, *res = NULL;
    if (need_stack(u, 2)) return SEA_ERR_FORMAT;
    args = u->stack[--u->sp];
    fn = u->stack[--u->sp];
    if (fn->kind != SEA__PT_GLOBAL) return uerr(u, "REDUCE of something that is not an allowed callable");
    if (args->kind != SEA__PT_TUPLE) return uerr(u, "REDUCE arguments are not a tuple");
    switch (fn->i) {
    case G_REBUILD_V2:
        if (rebuild_tensor(u, args, &res)) return SEA_ERR_FORMAT;
        break;
    case G_REBUILD_PARAM:
    case G_REBUILD_PARAM_STATE:
        if (args->n != (fn->i == G_REBUILD_PARAM ? 3u : 4u) || args->items[0]->kind != SEA__PT_TENSOR)
            return uerr(u, "_rebuild_parameter: expected (tensor, requires_grad, hooks%s)", fn->i == G_REBUILD_PARAM ? "" : ", state");
        res = args->items[0];
        break;
    case G_ORDERED_DICT:
        if (args->n != 0) return uerr(u, "OrderedDict() with arguments is not supported");
        res = newval(u, SEA__PT_DICT);
        break;
    default:
        return uerr(u, "a storage class cannot be called");
    }
    return push(u, res);
}

static sea_status set_items(upk *u, sea__pt_val *d, size_t first)
{
    if ((u->sp - first) % 2) return uerr(u, "SETITEMS with an odd number of stack items");
    for (size_t i = first; i < u->sp; i++) {
        if (i % 2 == first % 2) {
            sea__pt_kind k = u->stack[i]->kind;
            if (k != SEA__PT_STR && k != SEA__PT_INT && k != SEA__PT_BOOL && k != SEA__PT_NONE && k != SEA__PT_FLOAT)
                return uerr(u, "dict key of an unsupported type");
        }
        if (add_item(d, u->stack[i])) return sea__err_nomem(u->err, "unpickler");
    }
    u->sp = first;
    return SEA_OK;
}

static sea_status unpickle(upk *u)
{
    for (;;) {
        unsigned op;
        sea_status st = SEA_OK;
        size_t first = 0;
        uint64_t n;
        const unsigned char *at = u->p;
        if (u->p >= u->end) return uerr(u, "no STOP opcode");
        op = *u->p++;
        switch (op) {
        case 0x80: /* PROTO */
            if (need(u, 1)) return SEA_ERR_FORMAT;
            if (*u->p < 2 || *u->p > 5) return uerr(u, "pickle protocol %u (2 to 5 are read)", *u->p);
            u->p++;
            break;
        case 0x95: /* FRAME */
            if (need(u, 8)) return SEA_ERR_FORMAT;
            u->p += 8;
            break;
        case 'c': { /* GLOBAL module\nname\n */
            const unsigned char *m = u->p, *nl1, *nl2;
            nl1 = memchr(m, '\n', (size_t)SEA_MIN((size_t)(u->end - m), (size_t)256));
            if (!nl1) return uerr(u, "GLOBAL without a module line");
            nl2 = memchr(nl1 + 1, '\n', (size_t)SEA_MIN((size_t)(u->end - nl1 - 1), (size_t)256));
            if (!nl2) return uerr(u, "GLOBAL without a name line");
            u->p = nl2 + 1;
            st = do_global(u, (const char *)m, (size_t)(nl1 - m), (const char *)nl1 + 1, (size_t)(nl2 - nl1 - 1));
            break;
        }
        case 0x93: { /* STACK_GLOBAL */
            sea__pt_val *m, *nm;
            if (need_stack(u, 2)) return SEA_ERR_FORMAT;
            nm = u->stack[--u->sp];
            m = u->stack[--u->sp];
            if (m->kind != SEA__PT_STR || nm->kind != SEA__PT_STR) return uerr(u, "STACK_GLOBAL of non-strings");
            st = do_global(u, m->s, m->len, nm->s, nm->len);
            break;
        }
        case '(':
            if (u->n_marks >= MARKS_MAX) return uerr(u, "more than %d nested MARKs", MARKS_MAX);
            u->marks[u->n_marks++] = u->sp;
            break;
        case ')':
            st = push(u, newval(u, SEA__PT_TUPLE));
            break;
        case 't':
        case 'l': {
            sea__pt_val *c;
            if (pop_mark(u, &first)) return SEA_ERR_FORMAT;
            c = newval(u, op == 't' ? SEA__PT_TUPLE : SEA__PT_LIST);
            if (!c) return sea__err_nomem(u->err, "unpickler");
            for (size_t i = first; i < u->sp; i++)
                if (add_item(c, u->stack[i])) return sea__err_nomem(u->err, "unpickler");
            u->sp = first;
            st = push(u, c);
            break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {
            size_t k = op - 0x84;
            sea__pt_val *c;
            if (need_stack(u, k)) return SEA_ERR_FORMAT;
            c = newval(u, SEA__PT_TUPLE);
            if (!c) return sea__err_nomem(u->err, "unpickler");
            for (size_t i = u->sp - k; i < u->sp; i++)
                if (add_item(c, u->stack[i])) return sea__err_nomem(u->err, "unpickler");
            u->sp -= k;
            st = push(u, c);
            break;
        }
        case ']':
            st = push(u, newval(u, SEA__PT_LIST));
            break;
        case '}':
            st = push(u, newval(u, SEA__PT_DICT));
            break;
        case 'a':
            if (need_stack(u, 2)) return SEA_ERR_FORMAT;
            if (u->stack[u->sp - 2]->kind != SEA__PT_LIST) return uerr(u, "APPEND to something that is not a list");
            if (add_item(u->stack[u->sp - 2], u->stack[u->sp - 1])) return sea__err_nomem(u->err, "unpickler");
            u->sp--;
            break;
        case 'e':
            if (pop_mark(u, &first)) return SEA_ERR_FORMAT;
            if (first == 0 || first - 1 < (u->n_marks ? u->marks[u->n_marks - 1] : 0) || u->stack[first - 1]->kind != SEA__PT_LIST)
                return uerr(u, "APPENDS to something that is not a list");
            for (size_t i = first; i < u->sp; i++)
                if (add_item(u->stack[first - 1], u->stack[i])) return sea__err_nomem(u->err, "unpickler");
            u->sp = first;
            break;
        case 'd': {
            sea__pt_val *c;
            if (pop_mark(u, &first)) return SEA_ERR_FORMAT;
            c = newval(u, SEA__PT_DICT);
            if (!c) return sea__err_nomem(u->err, "unpickler");
            if ((st = set_items(u, c, first)) != SEA_OK) return st;
            st = push(u, c);
            break;
        }
        case 's':
            if (need_stack(u, 3)) return SEA_ERR_FORMAT;
            if (u->stack[u->sp - 3]->kind != SEA__PT_DICT) return uerr(u, "SETITEM on something that is not a dict");
            st = set_items(u, u->stack[u->sp - 3], u->sp - 2);
            break;
        case 'u':
            if (pop_mark(u, &first)) return SEA_ERR_FORMAT;
            if (first == 0 || first - 1 < (u->n_marks ? u->marks[u->n_marks - 1] : 0) || u->stack[first - 1]->kind != SEA__PT_DICT)
                return uerr(u, "SETITEMS on something that is not a dict");
            st = set_items(u, u->stack[first - 1], first);
            break;
        case 'b': /* BUILD: only the state of an OrderedDict (a state_dict's _metadata), ignored */
            if (need_stack(u, 2)) return SEA_ERR_FORMAT;
            if (u->stack[u->sp - 2]->kind != SEA__PT_DICT || (u->stack[u->sp - 1]->kind != SEA__PT_DICT && u->stack[u->sp - 1]->kind != SEA__PT_NONE))
                return uerr(u, "BUILD is only accepted on a dict");
            u->sp--;
            break;
        case 'N':
            st = push(u, newval(u, SEA__PT_NONE));
            break;
        case 0x88:
        case 0x89: {
            sea__pt_val *v = newval(u, SEA__PT_BOOL);
            if (v) v->i = op == 0x88;
            st = push(u, v);
            break;
        }
        case 'K':
        case 'M':
        case 'J': {
            sea__pt_val *v;
            size_t k = op == 'K' ? 1 : op == 'M' ? 2 : 4;
            if (need(u, k)) return SEA_ERR_FORMAT;
            v = newval(u, SEA__PT_INT);
            if (v) v->i = op == 'K' ? u->p[0] : op == 'M' ? le16(u->p) : (int64_t)(int32_t)le32(u->p);
            u->p += k;
            st = push(u, v);
            break;
        }
        case 0x8a: { /* LONG1 */
            sea__pt_val *v;
            uint64_t x = 0;
            size_t k;
            if (need(u, 1)) return SEA_ERR_FORMAT;
            k = *u->p++;
            if (k > 8) return uerr(u, "integer of %zu bytes is too large", k);
            if (need(u, k)) return SEA_ERR_FORMAT;
            for (size_t i = 0; i < k; i++) x |= (uint64_t)u->p[i] << (8 * i);
            if (k && k < 8 && (u->p[k - 1] & 0x80)) x |= ~(uint64_t)0 << (8 * k);
            u->p += k;
            v = newval(u, SEA__PT_INT);
            if (v) v->i = (int64_t)x;
            st = push(u, v);
            break;
        }
        case 'G': { /* BINFLOAT, big-endian */
            sea__pt_val *v;
            uint64_t x = 0;
            double d;
            if (need(u, 8)) return SEA_ERR_FORMAT;
            for (int i = 0; i < 8; i++) x = x << 8 | u->p[i];
            u->p += 8;
            memcpy(&d, &x, sizeof d);
            v = newval(u, SEA__PT_FLOAT);
            if (v) v->f = d;
            st = push(u, v);
            break;
        }
        case 'X':
        case 0x8c:
        case 0x8d:
        case 'U':
        case 'T': { /* BINUNICODE, SHORT_BINUNICODE, BINUNICODE8, SHORT_BINSTRING, BINSTRING */
            size_t k = (op == 0x8c || op == 'U') ? 1 : op == 0x8d ? 8 : 4;
            if (need(u, k)) return SEA_ERR_FORMAT;
            n = k == 1 ? u->p[0] : k == 4 ? le32(u->p) : sea__load_le64(u->p);
            u->p += k;
            if (n > (uint64_t)(u->end - u->p)) return uerr(u, "string of %llu bytes runs past the end", (unsigned long long)n);
            st = push(u, make_str(u, u->p, (size_t)n));
            u->p += n;
            break;
        }
        case 'q':
            if (need(u, 1)) return SEA_ERR_FORMAT;
            st = memo_put(u, *u->p++);
            break;
        case 'r':
            if (need(u, 4)) return SEA_ERR_FORMAT;
            st = memo_put(u, le32(u->p));
            u->p += 4;
            break;
        case 0x94: /* MEMOIZE */
            st = memo_put(u, u->memo_len); /* at len(memo), as pickle does */
            break;
        case 'h':
            if (need(u, 1)) return SEA_ERR_FORMAT;
            st = memo_get(u, *u->p++);
            break;
        case 'j':
            if (need(u, 4)) return SEA_ERR_FORMAT;
            st = memo_get(u, le32(u->p));
            u->p += 4;
            break;
        case 'Q':
            st = do_persid(u);
            break;
        case 'R':
            st = do_reduce(u);
            break;
        case '.':
            if (u->n_marks) return uerr(u, "STOP with an open MARK");
            if (u->sp != 1) return uerr(u, "STOP with %zu values on the stack (expected 1)", u->sp);
            u->f->root = u->stack[0];
            return SEA_OK;
        default:
            u->p = at;
            if (op >= 32 && op < 127) return uerr(u, "pickle opcode 0x%02x ('%c') is not allowed", op, (int)op);
            return uerr(u, "pickle opcode 0x%02x is not allowed", op);
        }
        if (st) return st;
    }
}

static sea_status parse_image(sea__pt_file *f, sea_err *err)
{
    const zentry *pkl;
    upk u;
    sea_status st;
    if ((st = read_zip(f, err)) != SEA_OK) return st;
    pkl = find_member(f, "data.pkl");
    if (pkl->size > PKL_MAX) return sea__err(err, SEA_ERR_LIMIT, "data.pkl is %llu bytes (limit %zu)", (unsigned long long)pkl->size, PKL_MAX);
    memset(&u, 0, sizeof u);
    u.f = f;
    u.start = u.p = f->base + pkl->off;
    u.end = u.start + pkl->size;
    u.err = err;
    st = unpickle(&u);
    if (!st && u.p != u.end) st = sea__err(err, SEA_ERR_FORMAT, "data.pkl has %zu bytes after STOP", (size_t)(u.end - u.p));
    sea__free(u.stack);
    sea__free(u.memo);
    return st;
}

static sea_status finish_open(sea__pt_file *f, sea__pt_file **out, sea_err *err)
{
    sea_status st = parse_image(f, err);
    if (st) {
        sea__err_prefix(err, "%s", f->path);
        sea__pt_close(f);
        return st;
    }
    *out = f;
    return SEA_OK;
}

sea_status sea__pt_open_mem(sea__pt_file **out, const void *data, size_t len, const char *name, sea_err *err)
{
    sea__pt_file *f;
    *out = NULL;
    f = sea__calloc(1, sizeof *f);
    if (!f || !(f->path = sea__strdup(name ? name : "(memory)"))) {
        sea__free(f);
        return sea__err_nomem(err, "a .pt handle");
    }
    f->base = data;
    f->len = len;
    f->how = 0;
    return finish_open(f, out, err);
}

sea_status sea__pt_open(sea__pt_file **out, const char *path, sea_err *err)
{
    sea__pt_file *f;
    struct stat s;
    int fd;
    *out = NULL;
    fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return sea__err(err, SEA_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
    if (fstat(fd, &s) != 0 || !S_ISREG(s.st_mode)) {
        close(fd);
        return sea__err(err, SEA_ERR_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)s.st_size > (uint64_t)SIZE_MAX) {
        close(fd);
        return sea__err(err, SEA_ERR_LIMIT, "%s: file too large for this platform", path);
    }
    f = sea__calloc(1, sizeof *f);
    if (!f || !(f->path = sea__strdup(path))) {
        sea__free(f);
        close(fd);
        return sea__err_nomem(err, "a .pt handle");
    }
    f->len = (size_t)s.st_size;
    if (f->len == 0) {
        close(fd);
        sea__pt_close(f);
        return sea__err(err, SEA_ERR_FORMAT, "%s: empty file", path);
    }
#if defined(HAVE_MMAP)
    {
        void *m = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            f->base = m;
            f->how = 1;
        }
    }
#endif
    if (!f->how) {
        unsigned char *buf = sea__malloc(f->len);
        size_t got = 0;
        if (!buf) {
            close(fd);
            sea__pt_close(f);
            return sea__err(err, SEA_ERR_NOMEM, "%s: out of memory reading the file", path);
        }
        while (got < f->len) {
            ssize_t n = read(fd, buf + got, f->len - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                sea__free(buf);
                close(fd);
                sea__pt_close(f);
                return sea__err(err, SEA_ERR_IO, "%s: read failed", path);
            }
            got += (size_t)n;
        }
        f->base = buf;
        f->how = 2;
    }
    close(fd);
    return finish_open(f, out, err);
}

float sea__pt_elem(const sea__pt_tensor *t, uint64_t i)
{
    const unsigned char *p;
    uint16_t h;
    float x;
    double dd;
    switch (t->dtype) {
    case SEA_DTYPE_F32:
        memcpy(&x, t->data + i * 4, 4);
        return x;
    case SEA_DTYPE_F16:
        p = t->data + i * 2;
        h = le16(p);
        return sea_f16_to_f32(h);
    case SEA_DTYPE_BF16:
        p = t->data + i * 2;
        h = le16(p);
        return sea_bf16_to_f32(h);
    case SEA_DTYPE_F64:
        memcpy(&dd, t->data + i * 8, 8);
        return (float)dd;
    default:
        return NAN;
    }
}
