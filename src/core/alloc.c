/* src/core/alloc.c: every allocation of the library goes through here, so embedders can
 * supply their own allocator and tests can make the k-th allocation fail. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static void *libc_malloc(size_t n, void *u) { (void)u; return malloc(n); }
static void *libc_realloc(void *p, size_t n, void *u) { (void)u; return realloc(p, n); }
static void libc_free(void *p, void *u) { (void)u; free(p); }

static sea_allocator g_alloc = {libc_malloc, libc_realloc, libc_free, NULL};

void sea_set_allocator(const sea_allocator *a)
{
    sea_release_buffers(); /* cached work arrays go back to the allocator that gave them */
    if (a && a->malloc_fn && a->realloc_fn && a->free_fn)
        g_alloc = *a;
    else {
        g_alloc.malloc_fn = libc_malloc;
        g_alloc.realloc_fn = libc_realloc;
        g_alloc.free_fn = libc_free;
        g_alloc.user = NULL;
    }
}

void *sea__malloc(size_t n)
{
    return g_alloc.malloc_fn(n ? n : 1, g_alloc.user);
}

void *sea__malloc_array(size_t count, size_t size)
{
    size_t n;
    if (sea__mul_size(&n, count, size)) return NULL;
    return sea__malloc(n);
}

void *sea__calloc(size_t count, size_t size)
{
    size_t n;
    void *p;
    if (sea__mul_size(&n, count, size)) return NULL;
    p = sea__malloc(n);
    if (p) memset(p, 0, n);
    return p;
}

void *sea__realloc(void *p, size_t n)
{
    return g_alloc.realloc_fn(p, n ? n : 1, g_alloc.user);
}

void sea__free(void *p)
{
    if (p) g_alloc.free_fn(p, g_alloc.user);
}

void sea_free(void *p)
{
    sea__free(p);
}

char *sea__strndup(const char *s, size_t n)
{
    char *d = sea__malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *sea__strdup(const char *s)
{
    return sea__strndup(s, strlen(s));
}
