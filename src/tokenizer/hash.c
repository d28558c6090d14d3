/* src/tokenizer/hash.c: the tokenizer's hash tables (vocab strings -> ids, id pairs -> merges,
 * trie edges) and the trie of added tokens.
 *
 * Open addressing with linear probing at load factor <= 1/2. Hashes are seeded per tokenizer
 * (SipHash-1-3 for strings, a keyed 64-bit mixer for pairs) so that a crafted tokenizer.json
 * cannot line its 100k entries up in one probe chain and turn opening into minutes. */
#include <string.h>

#include "tokenizer/tok_internal.h"

/* ---- SipHash-1-3 (Aumasson & Bernstein), key = (seed, ~seed) ---- */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                        \
    do {                                                                                \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                     \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                          \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                          \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                     \
    } while (0)

uint64_t sea__tok_hash_bytes(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t k0 = seed, k1 = ~seed;
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    uint64_t b = (uint64_t)n << 56, m;
    size_t i, left = n & 7;
    for (i = 0; i + 8 <= n; i += 8) {
        m = sea__load_le64(s + i);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t k = 0; k < left; k++) b |= (uint64_t)s[i + k] << (8 * k);
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t mix_pair(uint64_t key, uint64_t seed)
{
    uint64_t x = key ^ seed;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x += seed >> 7;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static size_t capacity_for(size_t expected)
{
    size_t cap = 16;
    while (cap / 2 < expected + 1 && cap < ((size_t)1 << 40)) cap *= 2;
    return cap;
}

/* ---- string map ---- */
sea_status sea__tok_strmap_init(tok_strmap *m, size_t expected, uint64_t seed)
{
    size_t cap = capacity_for(expected);
    memset(m, 0, sizeof *m);
    m->slots = sea__malloc_array(cap, sizeof *m->slots);
    if (!m->slots) return SEA_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++) m->slots[i].value = -1;
    m->mask = cap - 1;
    m->seed = seed;
    return SEA_OK;
}

void sea__tok_strmap_free(tok_strmap *m)
{
    sea__free(m->slots);
    m->slots = NULL;
}

int32_t sea__tok_strmap_put(tok_strmap *m, const char *arena, uint32_t off, uint32_t len, int32_t value)
{
    uint64_t h = sea__tok_hash_bytes(arena + off, len, m->seed);
    size_t i = (size_t)h & m->mask;
    /* callers size the table for every key up front (tok_strmap_init), so it never fills */
    SEA_ASSERT(m->count + 1 <= m->mask / 2 + 1);
    for (;;) {
        struct tok_strmap_slot *sl = &m->slots[i];
        if (sl->value < 0) {
            sl->off = off;
            sl->len = len;
            sl->value = value;
            sl->hash_lo = (uint32_t)h;
            m->count++;
            return -1;
        }
        if (sl->hash_lo == (uint32_t)h && sl->len == len && memcmp(arena + sl->off, arena + off, len) == 0)
            return sl->value;
        i = (i + 1) & m->mask;
    }
}

int32_t sea__tok_strmap_get(const tok_strmap *m, const char *arena, const char *s, size_t len)
{
    uint64_t h;
    size_t i;
    if (!m->slots) return -1;
    h = sea__tok_hash_bytes(s, len, m->seed);
    i = (size_t)h & m->mask;
    for (;;) {
        const struct tok_strmap_slot *sl = &m->slots[i];
        if (sl->value < 0) return -1;
        if (sl->hash_lo == (uint32_t)h && sl->len == len && memcmp(arena + sl->off, s, len) == 0)
            return sl->value;
        i = (i + 1) & m->mask;
    }
}

/* ---- pair map ---- */
sea_status sea__tok_pairmap_init(tok_pairmap *m, size_t expected, uint64_t seed)
{
    size_t cap = capacity_for(expected);
    memset(m, 0, sizeof *m);
    m->slots = sea__malloc_array(cap, sizeof *m->slots);
    if (!m->slots) return SEA_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++) m->slots[i].key = UINT64_MAX;
    m->mask = cap - 1;
    m->seed = seed;
    return SEA_OK;
}

void sea__tok_pairmap_free(tok_pairmap *m)
{
    sea__free(m->slots);
    m->slots = NULL;
}

static void pair_insert(tok_pairmap *m, uint64_t key, uint32_t v1, uint32_t v2)
{
    size_t i = (size_t)mix_pair(key, m->seed) & m->mask;
    for (;;) {
        struct tok_pairmap_slot *sl = &m->slots[i];
        if (sl->key == UINT64_MAX) {
            sl->key = key;
            sl->v1 = v1;
            sl->v2 = v2;
            m->count++;
            return;
        }
        if (sl->key == key) {
            sl->v1 = v1;
            sl->v2 = v2;
            return;
        }
        i = (i + 1) & m->mask;
    }
}

sea_status sea__tok_pairmap_reserve(tok_pairmap *m, size_t extra)
{
    size_t need = m->count + extra, cap;
    struct tok_pairmap_slot *old = m->slots, *nw;
    size_t old_cap = m->mask + 1;
    if (need + 1 <= old_cap / 2) return SEA_OK;
    cap = capacity_for(need);
    nw = sea__malloc_array(cap, sizeof *nw);
    if (!nw) return SEA_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++) nw[i].key = UINT64_MAX;
    m->slots = nw;
    m->mask = cap - 1;
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key != UINT64_MAX) pair_insert(m, old[i].key, old[i].v1, old[i].v2);
    sea__free(old);
    return SEA_OK;
}

void sea__tok_pairmap_set(tok_pairmap *m, uint32_t a, uint32_t b, uint32_t v1, uint32_t v2)
{
    SEA_ASSERT(m->count + 1 <= m->mask / 2 + 1);
    pair_insert(m, ((uint64_t)a << 32) | b, v1, v2);
}

int sea__tok_pairmap_get(const tok_pairmap *m, uint32_t a, uint32_t b, uint32_t *v1, uint32_t *v2)
{
    uint64_t key = ((uint64_t)a << 32) | b;
    size_t i = (size_t)mix_pair(key, m->seed) & m->mask;
    for (;;) {
        const struct tok_pairmap_slot *sl = &m->slots[i];
        if (sl->key == key) {
            *v1 = sl->v1;
            *v2 = sl->v2;
            return 1;
        }
        if (sl->key == UINT64_MAX) return 0;
        i = (i + 1) & m->mask;
    }
}

/* ---- trie of added tokens: node 0 is the root; edges (node, byte) -> child ---- */
sea_status sea__tok_trie_init(tok_trie *t, uint64_t seed, sea_err *err)
{
    memset(t, 0, sizeof *t);
    if (sea__tok_pairmap_init(&t->edges, 16, seed) != SEA_OK) return sea__err_nomem(err, "added-token trie");
    t->terminal = sea__malloc(16 * sizeof *t->terminal);
    if (!t->terminal) {
        sea__tok_pairmap_free(&t->edges);
        return sea__err_nomem(err, "added-token trie");
    }
    t->cap_nodes = 16;
    t->n_nodes = 1;
    t->terminal[0] = -1;
    return SEA_OK;
}

void sea__tok_trie_free(tok_trie *t)
{
    sea__tok_pairmap_free(&t->edges);
    sea__free(t->terminal);
    t->terminal = NULL;
}

sea_status sea__tok_trie_add(tok_trie *t, const char *s, size_t len, int32_t index, sea_err *err)
{
    uint32_t node = 0;
    if (sea__tok_pairmap_reserve(&t->edges, len) != SEA_OK) return sea__err_nomem(err, "added-token trie");
    for (size_t i = 0; i < len; i++) {
        uint32_t child, unused;
        if (!sea__tok_pairmap_get(&t->edges, node, (unsigned char)s[i], &child, &unused)) {
            if (t->n_nodes == t->cap_nodes) {
                size_t cap = (size_t)t->cap_nodes * 2;
                int32_t *nt = sea__realloc(t->terminal, cap * sizeof *nt);
                if (!nt) return sea__err_nomem(err, "added-token trie");
                t->terminal = nt;
                t->cap_nodes = (uint32_t)cap;
            }
            child = t->n_nodes++;
            t->terminal[child] = -1;
            sea__tok_pairmap_set(&t->edges, node, (unsigned char)s[i], child, 0);
        }
        node = child;
    }
    /* the first pattern added wins among equal contents, like aho-corasick's pattern order */
    if (t->terminal[node] < 0) t->terminal[node] = index;
    t->n_patterns++;
    return SEA_OK;
}

size_t sea__tok_trie_longest(const tok_trie *t, const char *s, size_t n, int32_t *index)
{
    uint32_t node = 0;
    size_t best = 0;
    *index = -1;
    if (t->n_patterns == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t child, unused;
        if (!sea__tok_pairmap_get(&t->edges, node, (unsigned char)s[i], &child, &unused)) break;
        node = child;
        if (t->terminal[node] >= 0) {
            best = i + 1;
            *index = t->terminal[node];
        }
    }
    return best;
}
