/* src/io/pt_write.c: writing a stacked float32 tensor as torch.save does: a zip of stored
 * entries (data.pkl, byteorder, data/0, version) with 64-byte aligned data, the storage
 * streamed row by row with its CRC in a data descriptor, written atomically. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "io/pt_internal.h"


/* ---- writer ---- */
static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }

typedef struct zw {
    sea_afile af;
    uint64_t pos;
    struct { char name[64]; uint64_t off, size; uint32_t crc; int descriptor; } ent[8];
    int n;
} zw;

static sea_status zw_write(zw *z, const void *p, size_t n, sea_err *err)
{
    z->pos += n;
    return sea__afile_write(&z->af, p, n, err);
}

/* Local header with a padding extra field so the data starts on a 64-byte boundary. */
static sea_status zw_begin(zw *z, const char *name, uint64_t size, uint32_t crc, int descriptor, sea_err *err)
{
    unsigned char h[30 + 64 + 4 + 64];
    size_t nl = strlen(name), pad, hl;
    uint64_t data = z->pos + 30 + nl + 4;
    pad = (size_t)((64 - data % 64) % 64);
    memset(h, 0, sizeof h);
    memcpy(h, "PK\3\4", 4);
    put16(h + 4, 20);
    put16(h + 6, descriptor ? 8 : 0); /* bit 3: CRC and sizes follow the data */
    put32(h + 14, descriptor ? 0 : crc);
    put32(h + 18, descriptor ? 0 : (uint32_t)size);
    put32(h + 22, descriptor ? 0 : (uint32_t)size);
    put16(h + 26, (unsigned)nl);
    put16(h + 28, (unsigned)(4 + pad));
    memcpy(h + 30, name, nl);
    hl = 30 + nl;
    put16(h + hl, 0x4246); /* "FB", as torch's writer pads */
    put16(h + hl + 2, (unsigned)pad);
    memset(h + hl + 4, 'Z', pad);
    hl += 4 + pad;
    snprintf(z->ent[z->n].name, sizeof z->ent[z->n].name, "%s", name);
    z->ent[z->n].off = z->pos;
    z->ent[z->n].size = size;
    z->ent[z->n].crc = crc;
    z->ent[z->n].descriptor = descriptor;
    z->n++;
    return zw_write(z, h, hl, err);
}

static sea_status zw_small(zw *z, const char *name, const void *data, size_t n, sea_err *err)
{
    sea_status st = zw_begin(z, name, n, sea__pt_crc32(0, data, n), 0, err);
    return st ? st : zw_write(z, data, n, err);
}

static sea_status zw_finish(zw *z, sea_err *err)
{
    uint64_t cd = z->pos, cd_size;
    unsigned char h[46 + 64], e[22];
    sea_status st = SEA_OK;
    for (int i = 0; !st && i < z->n; i++) {
        size_t nl = strlen(z->ent[i].name);
        memset(h, 0, sizeof h);
        memcpy(h, "PK\1\2", 4);
        put16(h + 4, 20);
        put16(h + 6, 20);
        put16(h + 8, z->ent[i].descriptor ? 8 : 0);
        put32(h + 16, z->ent[i].crc);
        put32(h + 20, (uint32_t)z->ent[i].size);
        put32(h + 24, (uint32_t)z->ent[i].size);
        put16(h + 28, (unsigned)nl);
        put32(h + 42, (uint32_t)z->ent[i].off);
        memcpy(h + 46, z->ent[i].name, nl);
        st = zw_write(z, h, 46 + nl, err);
    }
    if (st) return st;
    cd_size = z->pos - cd;
    memset(e, 0, sizeof e);
    memcpy(e, "PK\5\6", 4);
    put16(e + 8, (unsigned)z->n);
    put16(e + 10, (unsigned)z->n);
    put32(e + 12, (uint32_t)cd_size);
    put32(e + 16, (uint32_t)cd);
    return zw_write(z, e, sizeof e, err);
}

/* Pickle of _rebuild_tensor_v2(storage '0' float [n0*n1*n2], 0, (n0, n1, n2), strides, False,
 * OrderedDict()) in protocol 2, the opcodes torch.save emits. */
static void pk_int(sea_buf *b, uint64_t v)
{
    unsigned char t[10];
    if (v < 256) {
        t[0] = 'K';
        t[1] = (unsigned char)v;
        sea__buf_append(b, t, 2);
    } else if (v < 65536) {
        t[0] = 'M';
        put16(t + 1, (unsigned)v);
        sea__buf_append(b, t, 3);
    } else if (v < 0x80000000u) {
        t[0] = 'J';
        put32(t + 1, (uint32_t)v);
        sea__buf_append(b, t, 5);
    } else {
        t[0] = 0x8a;
        t[1] = 8;
        sea__store_le64(t + 2, v);
        sea__buf_append(b, t, 10);
    }
}
static void pk_str(sea_buf *b, const char *s)
{
    unsigned char t[5];
    t[0] = 'X';
    put32(t + 1, (uint32_t)strlen(s));
    sea__buf_append(b, t, 5);
    sea__buf_puts(b, s);
}

sea_status sea__pt_write_stacked(const char *path, size_t n0, size_t n1, size_t n2, sea__pt_fill_fn fill,
                                 void *user, sea_err *err)
{
    zw z;
    sea_buf pk;
    size_t row = 0;
    uint64_t numel, bytes;
    float *buf = NULL;
    sea_status st;
    uint32_t crc = 0;
    const char *top = "archive";
    char name[64];
    if (sea__mul_u64(&numel, n0, n1) || sea__mul_u64(&numel, numel, n2) || sea__mul_u64(&bytes, numel, 4) ||
        bytes >= ((uint64_t)4 << 30) - 4096)
        return sea__err(err, SEA_ERR_LIMIT, "%s: [%zu, %zu, %zu] float32 is 4 GiB or more, beyond what this writer supports", path, n0, n1, n2);
    if (sea__mul_size(&row, n1, n2) || !(buf = sea__malloc_array(row ? row : 1, sizeof *buf)))
        return sea__err_nomem(err, path);
    sea__buf_init(&pk);
    {
        static const char head[] = "\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\nq\x00((X\x07\x00\x00\x00storageq\x01"
                                   "ctorch\nFloatStorage\nq\x02";
        sea__buf_append(&pk, head, sizeof head - 1);
    }
    pk_str(&pk, "0");
    pk_str(&pk, "cpu");
    pk_int(&pk, numel);
    sea__buf_append(&pk, "tQ", 2);
    pk_int(&pk, 0);
    pk_int(&pk, n0);
    pk_int(&pk, n1);
    pk_int(&pk, n2);
    sea__buf_putc(&pk, (char)0x87);
    pk_int(&pk, (uint64_t)n1 * n2);
    pk_int(&pk, n2);
    pk_int(&pk, 1);
    sea__buf_putc(&pk, (char)0x87);
    {
        static const char tail[] = "\x89" "ccollections\nOrderedDict\n)RtR.";
        sea__buf_append(&pk, tail, sizeof tail - 1);
    }
    if (pk.failed) {
        sea__buf_free(&pk);
        sea__free(buf);
        return sea__err_nomem(err, path);
    }
    memset(&z, 0, sizeof z);
    if ((st = sea__afile_open(&z.af, path, err)) != SEA_OK) {
        sea__buf_free(&pk);
        sea__free(buf);
        return st;
    }
    snprintf(name, sizeof name, "%s/data.pkl", top);
    st = zw_small(&z, name, pk.data, pk.len, err);
    snprintf(name, sizeof name, "%s/byteorder", top);
    if (!st) st = zw_small(&z, name, "little", 6, err);
    snprintf(name, sizeof name, "%s/data/0", top);
    if (!st) st = zw_begin(&z, name, bytes, 0, 1, err);
    for (size_t r = 0; !st && r < n0; r++) {
        st = fill(user, r, buf, err);
        if (!st) st = zw_write(&z, buf, row * sizeof *buf, err);
        crc = sea__pt_crc32(crc, (const unsigned char *)buf, row * sizeof *buf);
    }
    if (!st) { /* data descriptor: the CRC is known only now (torch's writer does the same) */
        unsigned char dd[16];
        memcpy(dd, "PK\7\10", 4);
        put32(dd + 4, crc);
        put32(dd + 8, (uint32_t)bytes);
        put32(dd + 12, (uint32_t)bytes);
        z.ent[z.n - 1].crc = crc;
        st = zw_write(&z, dd, sizeof dd, err);
    }
    snprintf(name, sizeof name, "%s/version", top);
    if (!st) st = zw_small(&z, name, "3\n", 2, err);
    if (!st) st = zw_finish(&z, err);
    if (!st) st = sea__afile_commit(&z.af, err);
    else sea__afile_abort(&z.af);
    sea__buf_free(&pk);
    sea__free(buf);
    return st;
}
