/* src/core/threads.c: the one thread-count rule of the library. A call given n_threads = 0 uses
 * sea_default_threads(): what OpenMP would use (omp_get_max_threads: the processors this
 * process may run on, or OMP_NUM_THREADS), 1 in a build without OpenMP. A batch of independent
 * items on a small model (demonstrations to trace, answers to score) is split between workers,
 * each with its own context; a large model runs one worker with every thread. */
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/internal.h"

int sea_default_threads(void)
{
#ifdef _OPENMP
    int n = omp_get_max_threads();
    return n > 0 ? n : 1;
#else
    return 1;
#endif
}

int sea__threads(int n_threads)
{
#ifdef _OPENMP
    return n_threads > 0 ? n_threads : sea_default_threads();
#else
    (void)n_threads;
    return 1;
#endif
}

void sea__split_workers(int *n_workers, int *threads_each, int n_threads, size_t n_items, uint64_t model_bytes)
{
    int w = 1;
    if (n_threads <= 0) n_threads = sea_default_threads();
    if (model_bytes < SEA_SMALL_MODEL_BYTES && n_items > 0) w = (int)SEA_MIN((size_t)n_threads, n_items);
    *n_workers = w;
    *threads_each = SEA_MAX(1, n_threads / w);
}
