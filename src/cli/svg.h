/* src/cli/svg.h: small hand-written SVG charts for the command-line tool (no libraries):
 * line plots with several series, grouped bar plots, axes with "nice" ticks (linear or log),
 * grid, title, axis labels, legend and reference lines. The files open in any browser.
 *
 *   svg_plot p = svg_plot_defaults();
 *   p.title = "Explained variance, layer 3"; p.xlabel = "k"; p.ylabel = "ratio";
 *   svg_series s[2] = {{"Ω+", x, y1, n}, {"Ω-", x, y2, n}};
 *   svg_line_plot("out.svg", &p, s, 2, msg, sizeof msg);
 */
#ifndef SEA_CLI_SVG_H
#define SEA_CLI_SVG_H

#include <stddef.h>

typedef struct svg_series {
    const char *label;  /* legend text (NULL: not in the legend) */
    const double *x;    /* [n]; NULL means 1, 2, ..., n */
    const double *y;    /* [n]; non-finite values break the line */
    size_t n;
    const char *color;  /* CSS colour; NULL = next colour of the palette */
    int dashed;         /* dashed stroke */
    int markers;        /* draw a dot at each point (useful when n is small) */
} svg_series;

/* A horizontal (vertical = 0) or vertical reference line at `at`, with a short label. */
typedef struct svg_refline {
    int vertical;
    double at;
    const char *label;
    const char *color; /* NULL = grey */
} svg_refline;

typedef struct svg_plot {
    const char *title, *subtitle, *xlabel, *ylabel;
    int width, height;        /* pixels (default 760 x 460) */
    int log_x, log_y;         /* logarithmic axes (non-positive values are skipped) */
    double xmin, xmax, ymin, ymax; /* NaN = from the data */
    int legend_pos;           /* 0 top-right (default), 1 bottom-right, 2 top-left, 3 bottom-left */
    const svg_refline *refs;  /* optional reference lines (labels of vertical ones sit at the
                                 bottom of the plot, horizontal ones at the right end) */
    size_t n_refs;
} svg_plot;

svg_plot svg_plot_defaults(void);

/* Write a line plot to `path`. Returns 0, or -1 with a message in msg. */
int svg_line_plot(const char *path, const svg_plot *p, const svg_series *series, size_t n_series, char *msg,
                  size_t msg_len);

/* Grouped bar plot: categories[0..n_cat) on x, one bar per series in each group
 * (series[s].y[c] is the height; x is ignored). */
int svg_bar_plot(const char *path, const svg_plot *p, const char *const *categories, size_t n_cat,
                 const svg_series *series, size_t n_series, char *msg, size_t msg_len);

/* The palette colour number i (cycles). */
const char *svg_color(size_t i);

#endif /* SEA_CLI_SVG_H */
