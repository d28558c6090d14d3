/* src/cli/svg.c: hand-written SVG line and bar charts (see svg.h). Layout: a plot area with
 * margins for the tick labels, the axis titles and a legend box in the top-right corner inside
 * the plot; ticks at 1/2/5 x 10^k steps (decades on log axes); light grid lines. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/svg.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

const char *svg_color(size_t i) { return palette[i % (sizeof palette / sizeof palette[0])]; }

svg_plot svg_plot_defaults(void)
{
    svg_plot p;
    memset(&p, 0, sizeof p);
    p.width = 760;
    p.height = 460;
    p.xmin = p.xmax = p.ymin = p.ymax = NAN;
    return p;
}

/* ---- output with XML escaping ---- */
typedef struct out {
    FILE *f;
    int failed;
} out;

static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0) o->failed = 1;
    va_end(ap);
}

static void put_text(out *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': put(o, "&lt;"); break;
        case '>': put(o, "&gt;"); break;
        case '&': put(o, "&amp;"); break;
        case '"': put(o, "&quot;"); break;
        default:
            if (fputc(*s, o->f) == EOF) o->failed = 1;
        }
    }
}

/* ---- axes ---- */
typedef struct axis {
    double lo, hi; /* data range shown (in log10 units when log) */
    int log;
    double pix_lo, pix_hi;
} axis;

static double to_axis(const axis *a, double v) { return a->log ? log10(v) : v; }

static double to_pix(const axis *a, double v)
{
    double t = (to_axis(a, v) - a->lo) / (a->hi - a->lo);
    return a->pix_lo + t * (a->pix_hi - a->pix_lo);
}

static double nice_step(double range, int target)
{
    double raw = range / (target > 0 ? target : 1), mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/* Pad a data range out to tick boundaries (linear) or whole decades (log). */
static void set_range(axis *a, double lo, double hi, int log_, double fix_lo, double fix_hi)
{
    a->log = log_;
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = log_ ? 1 : 0;
        hi = log_ ? 10 : 1;
    }
    if (log_) {
        lo = floor(log10(lo));
        hi = ceil(log10(hi));
        if (hi <= lo) hi = lo + 1;
    } else {
        double step;
        if (hi <= lo) {
            double pad = lo == 0 ? 1 : fabs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        step = nice_step(hi - lo, 6);
        lo = floor(lo / step) * step;
        hi = ceil(hi / step) * step;
    }
    if (isfinite(fix_lo)) lo = log_ ? log10(fix_lo) : fix_lo;
    if (isfinite(fix_hi)) hi = log_ ? log10(fix_hi) : fix_hi;
    if (hi <= lo) hi = lo + 1;
    a->lo = lo;
    a->hi = hi;
}

static void fmt_tick(char *buf, size_t n, double v, double step, int log_)
{
    if (log_) {
        int e = (int)lround(v);
        if (e >= -2 && e <= 4)
            snprintf(buf, n, "%g", pow(10, e));
        else
            snprintf(buf, n, "1e%d", e);
        return;
    }
    if (fabs(v) < step * 1e-9) v = 0;
    if (fabs(v) >= 1e5 || (fabs(v) > 0 && fabs(v) < 1e-3))
        snprintf(buf, n, "%.1e", v);
    else {
        int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
        snprintf(buf, n, "%.*f", dec, v);
    }
}

static void draw_frame(out *o, const svg_plot *p, const axis *ax, const axis *ay, int x_ticks)
{
    double step, x0 = ax->pix_lo, x1 = ax->pix_hi, y0 = ay->pix_lo, y1 = ay->pix_hi;
    char buf[32];
    put(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
           "font-family=\"Helvetica, Arial, sans-serif\">\n", p->width, p->height, p->width, p->height);
    put(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    if (p->title) {
        put(o, "<text x=\"%.1f\" y=\"24\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">", (x0 + x1) / 2);
        put_text(o, p->title);
        put(o, "</text>\n");
    }
    if (p->subtitle) {
        put(o, "<text x=\"%.1f\" y=\"42\" font-size=\"12\" fill=\"#555\" text-anchor=\"middle\">", (x0 + x1) / 2);
        put_text(o, p->subtitle);
        put(o, "</text>\n");
    }
    /* y ticks and grid */
    step = ay->log ? 1 : nice_step(ay->hi - ay->lo, 6);
    for (double v = ceil(ay->lo / step - 1e-9) * step; v <= ay->hi + step * 1e-9; v += step) {
        double y = y0 + (v - ay->lo) / (ay->hi - ay->lo) * (y1 - y0);
        fmt_tick(buf, sizeof buf, v, step, ay->log);
        put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", x0, y, x1, y);
        put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x0 - 5, y, x0, y);
        put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", x0 - 8, y + 4, buf);
    }
    if (x_ticks) {
        step = ax->log ? 1 : nice_step(ax->hi - ax->lo, 8);
        for (double v = ceil(ax->lo / step - 1e-9) * step; v <= ax->hi + step * 1e-9; v += step) {
            double x = x0 + (v - ax->lo) / (ax->hi - ax->lo) * (x1 - x0);
            fmt_tick(buf, sizeof buf, v, step, ax->log);
            put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", x, y0, x, y1);
            put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x, y0, x, y0 + 5);
            put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n", x, y0 + 18, buf);
        }
    }
    /* axes */
    put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x0, y0, x1, y0);
    put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x0, y0, x0, y1);
    if (p->xlabel) {
        put(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">", (x0 + x1) / 2, p->height - 12);
        put_text(o, p->xlabel);
        put(o, "</text>\n");
    }
    if (p->ylabel) {
        put(o, "<text transform=\"translate(18 %.1f) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">", (y0 + y1) / 2);
        put_text(o, p->ylabel);
        put(o, "</text>\n");
    }
}

static void draw_refs(out *o, const svg_plot *p, const axis *ax, const axis *ay)
{
    for (size_t i = 0; i < p->n_refs; i++) {
        const svg_refline *r = &p->refs[i];
        const char *col = r->color ? r->color : "#888";
        if (!isfinite(r->at) || ((r->vertical ? ax->log : ay->log) && r->at <= 0)) continue;
        if (r->vertical) {
            double x = to_pix(ax, r->at);
            if (x < ax->pix_lo - 0.5 || x > ax->pix_hi + 0.5) continue;
            put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n", x,
                ay->pix_lo, x, ay->pix_hi, col);
            if (r->label) {
                put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">", x + 4, ay->pix_lo - 8 - 14.0 * (double)(i % 3), col);
                put_text(o, r->label);
                put(o, "</text>\n");
            }
        } else {
            double y = to_pix(ay, r->at);
            if (y > ay->pix_lo + 0.5 || y < ay->pix_hi - 0.5) continue;
            put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
                ax->pix_lo, y, ax->pix_hi, y, col);
            if (r->label) {
                put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\" text-anchor=\"end\">", ax->pix_hi - 4, y - 4, col);
                put_text(o, r->label);
                put(o, "</text>\n");
            }
        }
    }
}

static void draw_legend(out *o, const axis *ax, const axis *ay, const svg_series *s, size_t n, int bars, int pos)
{
    size_t shown = 0, longest = 0;
    double w, x, y;
    for (size_t i = 0; i < n; i++)
        if (s[i].label) {
            shown++;
            if (strlen(s[i].label) > longest) longest = strlen(s[i].label);
        }
    if (!shown) return;
    w = 40 + 6.5 * (double)longest;
    x = (pos & 2) ? ax->pix_lo + 8 : ax->pix_hi - w - 8;
    y = (pos & 1) ? ay->pix_lo - 16 - 18.0 * (double)shown : ay->pix_hi + 8;
    put(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
        x, y, w, 8 + 18.0 * (double)shown);
    shown = 0;
    for (size_t i = 0; i < n; i++) {
        const char *col = s[i].color ? s[i].color : svg_color(i);
        double yy = y + 16 + 18.0 * (double)shown;
        if (!s[i].label) continue;
        if (bars)
            put(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"%s\"/>\n", x + 8, yy - 9, col);
        else
            put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", x + 8, yy - 4,
                x + 28, yy - 4, col, s[i].dashed ? " stroke-dasharray=\"6 4\"" : "");
        put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">", x + 34, yy);
        put_text(o, s[i].label);
        put(o, "</text>\n");
        shown++;
    }
}

static int finish(out *o, const char *path, char *msg, size_t msg_len)
{
    put(o, "</svg>\n");
    if (fclose(o->f) != 0) o->failed = 1;
    if (o->failed) {
        snprintf(msg, msg_len, "%s: write failed", path);
        remove(path);
        return -1;
    }
    return 0;
}

static int open_out(out *o, const char *path, char *msg, size_t msg_len)
{
    o->failed = 0;
    o->f = fopen(path, "w");
    if (!o->f) {
        snprintf(msg, msg_len, "%s: cannot create the file", path);
        return -1;
    }
    return 0;
}

static double xval(const svg_series *s, size_t i) { return s->x ? s->x[i] : (double)(i + 1); }

int svg_line_plot(const char *path, const svg_plot *p, const svg_series *series, size_t n_series, char *msg,
                  size_t msg_len)
{
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    axis ax, ay;
    out o;
    for (size_t s = 0; s < n_series; s++)
        for (size_t i = 0; i < series[s].n; i++) {
            double x = xval(&series[s], i), y = series[s].y[i];
            if (!isfinite(x) || !isfinite(y) || (p->log_x && x <= 0) || (p->log_y && y <= 0)) continue;
            xlo = fmin(xlo, x);
            xhi = fmax(xhi, x);
            ylo = fmin(ylo, y);
            yhi = fmax(yhi, y);
        }
    ax.pix_lo = 80;
    ax.pix_hi = p->width - 24;
    ay.pix_lo = p->height - 56;
    ay.pix_hi = p->subtitle ? 56 : 40;
    set_range(&ax, xlo, xhi, p->log_x, p->xmin, p->xmax);
    set_range(&ay, ylo, yhi, p->log_y, p->ymin, p->ymax);
    if (open_out(&o, path, msg, msg_len)) return -1;
    draw_frame(&o, p, &ax, &ay, 1);
    put(&o, "<clipPath id=\"plot\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n", ax.pix_lo,
        ay.pix_hi, ax.pix_hi - ax.pix_lo, ay.pix_lo - ay.pix_hi);
    draw_refs(&o, p, &ax, &ay);
    put(&o, "<g clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">\n");
    for (size_t s = 0; s < n_series; s++) {
        const svg_series *S = &series[s];
        const char *col = S->color ? S->color : svg_color(s);
        int open = 0;
        for (size_t i = 0; i < S->n; i++) {
            double x = xval(S, i), y = S->y[i];
            if (!isfinite(x) || !isfinite(y) || (p->log_x && x <= 0) || (p->log_y && y <= 0)) {
                if (open) put(&o, "\"/>\n");
                open = 0;
                continue;
            }
            if (!open) put(&o, "<polyline stroke=\"%s\"%s points=\"", col, S->dashed ? " stroke-dasharray=\"6 4\"" : "");
            put(&o, "%s%.1f,%.1f", open ? " " : "", to_pix(&ax, x), to_pix(&ay, y));
            open = 1;
        }
        if (open) put(&o, "\"/>\n");
        if (S->markers)
            for (size_t i = 0; i < S->n; i++) {
                double x = xval(S, i), y = S->y[i];
                if (!isfinite(x) || !isfinite(y) || (p->log_x && x <= 0) || (p->log_y && y <= 0)) continue;
                put(&o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" stroke=\"none\"/>\n", to_pix(&ax, x),
                    to_pix(&ay, y), col);
            }
    }
    put(&o, "</g>\n");
    draw_legend(&o, &ax, &ay, series, n_series, 0, p->legend_pos);
    return finish(&o, path, msg, msg_len);
}

int svg_bar_plot(const char *path, const svg_plot *p, const char *const *categories, size_t n_cat,
                 const svg_series *series, size_t n_series, char *msg, size_t msg_len)
{
    double ylo = 0, yhi = -INFINITY, group, bar;
    axis ax, ay;
    out o;
    for (size_t s = 0; s < n_series; s++)
        for (size_t c = 0; c < n_cat && c < series[s].n; c++)
            if (isfinite(series[s].y[c])) {
                ylo = fmin(ylo, series[s].y[c]);
                yhi = fmax(yhi, series[s].y[c]);
            }
    ax.pix_lo = 80;
    ax.pix_hi = p->width - 24;
    ay.pix_lo = p->height - 56;
    ay.pix_hi = p->subtitle ? 56 : 40;
    set_range(&ax, 0, (double)(n_cat ? n_cat : 1), 0, 0, (double)(n_cat ? n_cat : 1));
    set_range(&ay, ylo, yhi, 0, p->ymin, p->ymax);
    if (open_out(&o, path, msg, msg_len)) return -1;
    draw_frame(&o, p, &ax, &ay, 0);
    group = (ax.pix_hi - ax.pix_lo) / (double)(n_cat ? n_cat : 1);
    bar = group * 0.8 / (double)(n_series ? n_series : 1);
    for (size_t c = 0; c < n_cat; c++) {
        double gx = ax.pix_lo + group * (double)c;
        put(&o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">", gx + group / 2, ay.pix_lo + 18);
        put_text(&o, categories[c]);
        put(&o, "</text>\n");
        for (size_t s = 0; s < n_series; s++) {
            double v, y, y0 = to_pix(&ay, 0 > ay.lo ? 0 : ay.lo);
            if (c >= series[s].n || !isfinite(series[s].y[c])) continue;
            v = series[s].y[c];
            y = to_pix(&ay, v);
            put(&o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", gx + group * 0.1 + bar * (double)s,
                fmin(y, y0), bar, fabs(y0 - y), series[s].color ? series[s].color : svg_color(s));
            put_text(&o, categories[c]);
            put(&o, ": %.6g</title></rect>\n", v);
        }
    }
    draw_refs(&o, p, &ax, &ay);
    draw_legend(&o, &ax, &ay, series, n_series, 1, p->legend_pos);
    return finish(&o, path, msg, msg_len);
}
