/* src/cli/fit_plots.h: SVG figures of a fitted projection set (see fit_plots.c). */
#ifndef SEA_CLI_FIT_PLOTS_H
#define SEA_CLI_FIT_PLOTS_H

#include <stddef.h>

#include "sea.h"

/* Write DIR/explained-layer{l}.svg, DIR/spectrum-layer{l}.svg for every fitted layer,
 * DIR/signature.svg and DIR/index.html (DIR is created if missing). Returns 0, or -1 with a
 * one-line message in msg. */
int cli_fit_plots(const char *dir, const sea_proj *proj, char *msg, size_t msg_len);

#endif /* SEA_CLI_FIT_PLOTS_H */
