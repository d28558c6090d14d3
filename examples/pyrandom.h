/* examples/pyrandom.h: Python's `random` module, bit for bit, for what the SEA reference code
 * uses to choose its demonstrations: random.seed(int), getrandbits(k <= 32), _randbelow,
 * shuffle and sample(population, 1). MT19937 (Matsumoto & Nishimura) with CPython's seeding. */
#ifndef SEA_EXAMPLES_PYRANDOM_H
#define SEA_EXAMPLES_PYRANDOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct pyrandom {
    uint32_t mt[624];
    int i;
} pyrandom;

/* random.seed(seed) for a non-negative integer below 2^32 */
void pyrandom_seed(pyrandom *r, uint32_t seed);
uint32_t pyrandom_u32(pyrandom *r);
/* random.getrandbits(k), 1 <= k <= 32 */
uint32_t pyrandom_getrandbits(pyrandom *r, int k);
/* random._randbelow(n), 1 <= n < 2^32 */
uint32_t pyrandom_randbelow(pyrandom *r, uint32_t n);
/* random.shuffle on idx[0..n) */
void pyrandom_shuffle(pyrandom *r, size_t *idx, size_t n);

#endif
