/* src/cli/pyrandom.h: Python's `random` module, bit for bit, for what the SEA reference code
 * uses to choose its demonstrations: random.seed(int), getrandbits(k <= 32), _randbelow,
 * shuffle and sample(population, 1) (one _randbelow(len)). MT19937 (Matsumoto & Nishimura) with CPython's seeding. */
#ifndef SEA_CLI_PYRANDOM_H
#define SEA_CLI_PYRANDOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_pyrandom {
    uint32_t mt[624];
    int i;
} cli_pyrandom;

/* random.seed(seed) for a non-negative integer below 2^32 */
void cli_pyrandom_seed(cli_pyrandom *r, uint32_t seed);
uint32_t cli_pyrandom_u32(cli_pyrandom *r);
/* random.getrandbits(k), 1 <= k <= 32 */
uint32_t cli_pyrandom_getrandbits(cli_pyrandom *r, int k);
/* random._randbelow(n), 1 <= n < 2^32 */
uint32_t cli_pyrandom_randbelow(cli_pyrandom *r, uint32_t n);
/* random.shuffle on idx[0..n) */
void cli_pyrandom_shuffle(cli_pyrandom *r, size_t *idx, size_t n);

#endif
