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
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#if defined(HAVE_MADVISE)
#include <sys/mman.h>
#endif

void sea__advise_huge(void *p, size_t bytes)
{
#if defined(HAVE_MADVISE) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo, hi;
    if (!p || bytes < 2 * huge) return;
    lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    hi = ((uintptr_t)p + bytes) & ~(huge - 1);
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

#define WORK_HUGE ((size_t)2 << 20) /* the huge page size on x86-64 and arm64 */
#define WORK_MIN ((size_t)1 << 20)  /* arrays from here up are aligned to WORK_HUGE */
#define WORK_HDR ((size_t)64)       /* room for the allocator's pointer; keeps 16-byte alignment */

void *sea__work_alloc(size_t count, size_t size)
{
    size_t bytes, span, total;
    unsigned char *raw;
    uintptr_t q;
    if (sea__mul_size(&bytes, count, size)) return NULL;
    if (bytes < WORK_MIN) {
        span = 0; /* not advised: malloc's own pages */
        if (sea__add_size(&total, bytes, WORK_HDR)) return NULL;
    } else {
        /* the array rounded up to whole huge pages, plus the slack to align its start */
        if (sea__add_size(&span, bytes, WORK_HUGE - 1)) return NULL;
        span &= ~(WORK_HUGE - 1);
        if (sea__add_size(&total, span, WORK_HUGE + WORK_HDR)) return NULL;
    }
    raw = sea__malloc(total);
    if (!raw) return NULL;
    q = (uintptr_t)raw + WORK_HDR;
    if (bytes >= WORK_MIN) {
        q = (q + WORK_HUGE - 1) & ~(uintptr_t)(WORK_HUGE - 1);
#if defined(HAVE_MADVISE) && defined(MADV_HUGEPAGE)
        (void)madvise((void *)q, span, MADV_HUGEPAGE); /* advice only: errors ignored */
#else
        (void)span;
#endif
    }
    ((void **)q)[-1] = raw;
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
    if (p) sea__free(((void **)p)[-1]);
}
