/* src/core/rng.c: the library's one random generator: xoshiro256** (Blackman & Vigna) seeded
 * through splitmix64, so a seed gives the same stream on every platform; uniform, Rademacher
 * and Box-Muller normal draws on top. Used by sampling (model/generate.c) and by the
 * randomized sketches of linalg/. */
#include <math.h>

#include "core/internal.h"

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void sea__rng_seed(sea__rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed);
    r->has_spare = 0;
    r->spare = 0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sea__rng_u64(sea__rng *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double sea__rng_unit(sea__rng *r)
{
    return (double)(sea__rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

double sea__rng_uniform(sea__rng *r)
{
    /* 53 random bits, shifted off zero so log() is finite */
    return ((double)(sea__rng_u64(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double sea__rng_normal(sea__rng *r)
{
    double u1, u2, rad;
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    u1 = sea__rng_uniform(r);
    u2 = sea__rng_uniform(r);
    rad = sqrt(-2.0 * log(u1));
    r->spare = rad * sin(6.283185307179586 * u2);
    r->has_spare = 1;
    return rad * cos(6.283185307179586 * u2);
}

void sea__rng_signs(double *x, size_t n, sea__rng *r)
{
    for (size_t i = 0; i < n; i += 64) {
        uint64_t bits = sea__rng_u64(r);
        for (size_t j = 0; j < 64 && i + j < n; j++) x[i + j] = ((bits >> j) & 1u) ? 1.0 : -1.0;
    }
}
