/* src/core/bigmem.c: large arrays (fit work arrays, KV caches, copied weights). On Linux VMs
 * with transparent huge pages in "madvise" mode a first touch costs a page fault per 4 KiB:
 * faulting in hundreds of MiB that way took longer than the arithmetic of a fit (3-6 ms per MiB
 * against 0.09-0.25 with 2 MiB pages, measured on the development VMs). So big arrays are
 * advised to use huge pages before they are first written.
 *
 * sea__malloc_big advises the 2 MiB-aligned interior of an ordinary allocation (long-lived
 * arrays, freed with sea__free; up to 2 MiB at each end stays in 4 KiB pages). The work
 * arrays of the numerical code are allocated and freed many times per fit, where those ends
 * cost more than the arithmetic of a small product (a 2000 x 108 x 108 product: 0.7 ms, its
 * 1.7 MiB of fresh packing buffer in 4 KiB pages: 10 ms), so sea__work_alloc places them on
 * a 2 MiB boundary and advises all of them. */
#define _DEFAULT_SOURCE
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#if defined(HAVE_MADVISE)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20) /* the huge page size on x86-64 and arm64 */

/* Advises the whole huge pages inside [p, p + bytes). */
void sea__advise_huge(void *p, size_t bytes)
{
#if defined(HAVE_MADVISE) && defined(MADV_HUGEPAGE)
    uintptr_t lo, hi;
    if (!p || bytes < HUGE_PAGE) return;
    lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only: errors ignored */
#else
    (void)p;
    (void)bytes;
#endif
}

void *sea__malloc_big(size_t count, size_t size)
{
    void *p = sea__malloc_array(count, size);
    if (p) sea__advise_huge(p, count * size);
    return p;
}

void *sea__calloc_big(size_t count, size_t size)
{
    void *p = sea__malloc_big(count, size);
    size_t bytes;
    if (!p || sea__mul_size(&bytes, count, size)) return p;
    memset(p, 0, bytes);
    return p;
}

#define WORK_HUGE ((size_t)HUGE_PAGE)
#define WORK_MIN ((size_t)1 << 20)  /* arrays from here up are aligned to WORK_HUGE and cached */
#define WORK_HDR ((size_t)64)       /* room for the header below; keeps 16-byte alignment */

/* Just before every work array: the allocator's pointer and, from WORK_MIN up, the usable
 * bytes (whole huge pages) that the cache may hand out again. */
typedef struct work_hdr {
    void *raw;
    size_t span;
} work_hdr;

static work_hdr *hdr_of(void *q)
{
    return (work_hdr *)((unsigned char *)q - WORK_HDR);
}

/* ---- the cache of freed work arrays ----
 * A fit allocates the same big arrays again and again (per product, per side, per layer):
 * returning them to the system and faulting them in again cost ~10 % of a randomized fit at
 * d = 4096, N = 2000 (zeroing, and compaction when the kernel has no free huge page: a fresh
 * 30 MiB block took 15-27 ms to touch on the development VM). So freed arrays from WORK_MIN up
 * are kept, up to g_cache_max bytes in at most CACHE_SLOTS blocks, and handed out again best
 * fit (a block at most twice the request, so a small array does not pin a big one). Like
 * MKL's buffers, they stay after the call: sea_release_buffers() returns them,
 * sea_set_buffer_cache() bounds or disables the cache, and sea_set_allocator() returns them
 * to the allocator that gave them before installing another. The lock is a spin lock on a
 * GCC/Clang builtin (held for a scan of CACHE_SLOTS entries; a waiter yields its core);
 * other compilers get no cache.
 * Under AddressSanitizer a cached block is poisoned, so a use after sea__work_free is still
 * caught. */
#define CACHE_SLOTS 32

#if defined(__GNUC__)
#define WORK_CACHE 1
static volatile int g_lock;
static void cache_lock(void)
{
    while (__sync_lock_test_and_set(&g_lock, 1))
        while (g_lock) sched_yield(); /* the holder may have lost its core: let it run */
}
static void cache_unlock(void)
{
    __sync_lock_release(&g_lock);
}
#else
#define WORK_CACHE 0
static void cache_lock(void) {}
static void cache_unlock(void) {}
#endif

#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define WORK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang */
#define WORK_ASAN 1
#endif
#endif
#if defined(WORK_ASAN)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static void *g_cache[CACHE_SLOTS]; /* arrays (as returned by sea__work_alloc), NULL = free slot */
static size_t g_cached;            /* bytes held (sum of their spans) */
static size_t g_cache_max = SEA_BUFFER_CACHE_DEFAULT;

/* A cached array of at least span bytes and at most twice that, or NULL. */
static void *cache_take(size_t span)
{
    void *best = NULL;
    int bi = -1;
    if (!WORK_CACHE) return NULL;
    cache_lock();
    for (int i = 0; i < CACHE_SLOTS; i++) {
        size_t have;
        if (!g_cache[i]) continue;
        have = hdr_of(g_cache[i])->span;
        if (have >= span && have / 2 <= span && (!best || have < hdr_of(best)->span)) {
            best = g_cache[i];
            bi = i;
        }
    }
    if (best) {
        g_cache[bi] = NULL;
        g_cached -= hdr_of(best)->span;
    }
    cache_unlock();
    if (best) UNPOISON(best, hdr_of(best)->span);
    return best;
}

/* Keeps q (span bytes) if the cache has room; returns whether it did. */
static int cache_put(void *q, size_t span)
{
    int kept = 0;
    if (!WORK_CACHE) return 0;
    POISON(q, span);
    cache_lock();
    if (span <= g_cache_max && g_cached <= g_cache_max - span)
        for (int i = 0; i < CACHE_SLOTS && !kept; i++)
            if (!g_cache[i]) {
                g_cache[i] = q;
                g_cached += span;
                kept = 1;
            }
    cache_unlock();
    if (!kept) UNPOISON(q, span);
    return kept;
}

void sea_release_buffers(void)
{
    void *out[CACHE_SLOTS];
    int n = 0;
    cache_lock();
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (g_cache[i]) {
            out[n++] = g_cache[i];
            g_cache[i] = NULL;
        }
    g_cached = 0;
    cache_unlock();
    for (int i = 0; i < n; i++) {
        UNPOISON(out[i], hdr_of(out[i])->span);
        sea__free(hdr_of(out[i])->raw);
    }
}

void sea_set_buffer_cache(size_t max_bytes)
{
    cache_lock();
    g_cache_max = max_bytes; /* first, so that no block freed meanwhile is kept past it */
    cache_unlock();
    sea_release_buffers();
}

size_t sea__work_cached(void)
{
    size_t n;
    cache_lock();
    n = g_cached;
    cache_unlock();
    return n;
}

void *sea__work_alloc(size_t count, size_t size)
{
    size_t bytes, span, total;
    unsigned char *raw;
    uintptr_t q;
    if (sea__mul_size(&bytes, count, size)) return NULL;
    if (bytes < WORK_MIN) {
        span = 0; /* not advised, not cached: malloc's own pages */
        if (sea__add_size(&total, bytes, WORK_HDR)) return NULL;
    } else {
        void *c;
        /* the array rounded up to whole huge pages, plus the slack to align its start */
        if (sea__add_size(&span, bytes, WORK_HUGE - 1)) return NULL;
        span &= ~(WORK_HUGE - 1);
        if (sea__add_size(&total, span, WORK_HUGE + WORK_HDR)) return NULL;
        c = cache_take(span);
        if (c) return c;
    }
    raw = sea__malloc(total);
    if (!raw) return NULL;
    q = (uintptr_t)raw + WORK_HDR;
    if (span) {
        q = (q + WORK_HUGE - 1) & ~(uintptr_t)(WORK_HUGE - 1);
        sea__advise_huge((void *)q, span); /* q and span on huge-page boundaries: all of it */
    }
    hdr_of((void *)q)->raw = raw;
    hdr_of((void *)q)->span = span;
    return (void *)q;
}

void *sea__work_calloc(size_t count, size_t size)
{
    void *p = sea__work_alloc(count, size);
    if (p) memset(p, 0, count * size); /* count * size checked by sea__work_alloc */
    return p;
}

void sea__work_free(void *p)
{
    work_hdr *h;
    if (!p) return;
    h = hdr_of(p);
    if (h->span && cache_put(p, h->span)) return;
    sea__free(h->raw);
}
