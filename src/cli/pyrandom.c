/* src/cli/pyrandom.c: Python's random module, bit for bit (see pyrandom.h). */
#include "cli/pyrandom.h"

static void init_genrand(cli_pyrandom *r, uint32_t s)
{
    r->mt[0] = s;
    for (int i = 1; i < 624; i++) r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->i = 624;
}

/* CPython seeds an int through init_by_array with its 32-bit digits: [seed] here */
void cli_pyrandom_seed(cli_pyrandom *r, uint32_t seed)
{
    const uint32_t key[1] = {seed};
    int i = 1, j = 0, k;
    init_genrand(r, 19650218u);
    for (k = 624; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= 624) {
            r->mt[0] = r->mt[623];
            i = 1;
        }
        if (j >= 1) j = 0;
    }
    for (k = 623; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= 624) {
            r->mt[0] = r->mt[623];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000u;
    r->i = 624;
}

uint32_t cli_pyrandom_u32(cli_pyrandom *r)
{
    uint32_t y;
    if (r->i >= 624) {
        for (int k = 0; k < 624; k++) {
            y = (r->mt[k] & 0x80000000u) | (r->mt[(k + 1) % 624] & 0x7fffffffu);
            r->mt[k] = r->mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        r->i = 0;
    }
    y = r->mt[r->i++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

uint32_t cli_pyrandom_getrandbits(cli_pyrandom *r, int k)
{
    return cli_pyrandom_u32(r) >> (32 - k);
}

uint32_t cli_pyrandom_randbelow(cli_pyrandom *r, uint32_t n)
{
    int k = 0;
    uint32_t v;
    for (uint32_t t = n; t; t >>= 1) k++; /* n.bit_length() */
    do
        v = cli_pyrandom_getrandbits(r, k);
    while (v >= n);
    return v;
}

void cli_pyrandom_shuffle(cli_pyrandom *r, size_t *idx, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = cli_pyrandom_randbelow(r, (uint32_t)(i + 1)), t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
