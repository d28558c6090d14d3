/* src/core/bigmem.c: large arrays (fit work arrays, KV caches, copied weights). On Linux VMs
 * with transparent huge pages in "madvise" mode a first touch costs a page fault per 4 KiB:
 * faulting in hundreds of MiB that way took longer than the arithmetic of a fit (about 6 ms per
 * MiB against 0.25 with 2 MiB pages, measured on the development VM). So big arrays are advised
 * to use huge pages before they are first written. */
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
