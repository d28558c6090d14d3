/* src/core/clock.c: the one clock of the library: monotonic seconds for costs reported to the
 * caller (sea_eval_cost) and for the phase timings of the trace log level. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "core/internal.h"

double sea__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double sea__phase_clock(void)
{
    return sea__tracing() ? sea__now() : -1.0;
}

int sea__phase_lap(double *t, double *dt)
{
    double now = sea__phase_clock();
    if (now < 0) return 0;
    *dt = now - *t;
    *t = now;
    return 1;
}
