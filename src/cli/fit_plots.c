/* src/cli/fit_plots.c: the figures of a fit (`sea fit --plot DIR`, also used by `sea demo`):
 * per layer the cumulative explained variance against k and the singular value spectra, and
 * the layer signatures, as SVG files plus an index.html that shows them all. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/fit_plots.h"
#include "cli/svg.h"

int cli_fit_plots(const char *dir, const sea_proj *p, char *msg, size_t msg_len)
{
    size_t nl = sea_proj_n_layer(p), n_have = 0;
    char path[4096], title[128], sub[160], kl[2][48], kt[40];
    double *x = NULL, *y[2] = {NULL, NULL}, *sig;
    const char **cats;
    char (*catbuf)[24];
    FILE *idx;
    int rc = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, msg_len, "%s: cannot create the directory (%s)", dir, strerror(errno));
        return -1;
    }
    sig = calloc(nl, sizeof *sig);
    cats = calloc(nl, sizeof *cats);
    catbuf = calloc(nl, sizeof *catbuf);
    snprintf(path, sizeof path, "%s/index.html", dir);
    idx = fopen(path, "w");
    if (!sig || !cats || !catbuf || !idx) {
        snprintf(msg, msg_len, "%s: cannot write the figures", dir);
        rc = -1;
        goto out;
    }
    fprintf(idx, "<!doctype html><meta charset=\"utf-8\"><title>sea fit</title>\n<body style=\"font-family:sans-serif\">\n"
                 "<h1>sea fit: %zu demonstrations, d = %zu, feature %s</h1>\n<img src=\"signature.svg\"> <img src=\"explained-variance.svg\"><br>\n",
            sea_proj_n_demos(p), sea_proj_d(p), sea_feature_name(sea_proj_feature(p)));
    for (size_t l = 0; l < nl && !rc; l++) {
        size_t ns[2], k[2];
        const float *ev[2], *sv[2];
        svg_plot pl = svg_plot_defaults();
        svg_series se[2];
        svg_refline refs[3];
        if (!sea_proj_has_layer(p, l)) continue;
        sig[n_have] = sea_proj_signature(p, l);
        snprintf(catbuf[n_have], sizeof catbuf[n_have], "%zu", l);
        cats[n_have] = catbuf[n_have];
        n_have++;
        for (int s = 0; s < 2; s++) {
            ev[s] = sea_proj_explained(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns[s]);
            sv[s] = sea_proj_singular_values(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns[s]);
            if (s)
                sea_proj_u_neg(p, l, &k[s]);
            else
                sea_proj_u_pos(p, l, &k[s]);
        }
        free(x);
        free(y[0]);
        free(y[1]);
        x = calloc(ns[0] > ns[1] ? ns[0] : ns[1], sizeof *x);
        y[0] = calloc(ns[0] + 1, sizeof *y[0]);
        y[1] = calloc(ns[1] + 1, sizeof *y[1]);
        if (!x || !y[0] || !y[1]) {
            snprintf(msg, msg_len, "out of memory");
            rc = -1;
            break;
        }
        /* explained-variance curves */
        for (int s = 0; s < 2; s++)
            for (size_t j = 0; j < ns[s]; j++) y[s][j] = ev[s][j];
        memset(se, 0, sizeof se);
        se[0].label = "Ω+ (neutral × positive)";
        se[0].y = y[0];
        se[0].n = ns[0];
        se[1].label = "Ω- (neutral × negative)";
        se[1].y = y[1];
        se[1].n = ns[1];
        se[1].dashed = 1;
        snprintf(title, sizeof title, "Layer %zu: cumulative explained variance", l);
        snprintf(sub, sizeof sub, "k+ = %zu directions kept, k- = %zu removed (solver %s)", k[0], k[1], sea_proj_layer_solver(p, l));
        pl.title = title;
        pl.subtitle = sub;
        pl.xlabel = "number of singular directions k";
        pl.ylabel = "cumulative explained ratio  Σⱼ≤ₖ σⱼ² / Σ σⱼ²";
        pl.legend_pos = 1;
        pl.ymin = 0;
        pl.ymax = 1;
        snprintf(kl[0], sizeof kl[0], "k+ = %zu", k[0]);
        snprintf(kl[1], sizeof kl[1], "k- = %zu", k[1]);
        refs[0].vertical = 1;
        refs[0].at = (double)k[0];
        refs[0].label = kl[0];
        refs[0].color = svg_color(0);
        refs[1].vertical = 1;
        refs[1].at = (double)k[1];
        refs[1].label = kl[1];
        refs[1].color = svg_color(1);
        refs[2].vertical = 0;
        refs[2].at = isnan(sea_proj_k_ratio(p, SEA_PROJ_POS)) ? NAN : sea_proj_k_ratio(p, SEA_PROJ_POS);
        snprintf(kt, sizeof kt, "K = %g", refs[2].at);
        refs[2].label = kt;
        refs[2].color = NULL;
        pl.refs = refs;
        pl.n_refs = 3;
        snprintf(path, sizeof path, "%s/explained-layer%zu.svg", dir, l);
        rc = svg_line_plot(path, &pl, se, 2, msg, msg_len);
        /* singular value spectra, log scale */
        for (int s = 0; !rc && s < 2; s++)
            for (size_t j = 0; j < ns[s]; j++) y[s][j] = sv[s][j];
        snprintf(title, sizeof title, "Layer %zu: singular values of the cross-covariances", l);
        pl.title = title;
        pl.subtitle = "(thin-factor core, descending)";
        pl.ylabel = "singular value σⱼ";
        pl.legend_pos = 0;
        pl.xlabel = "index j";
        pl.log_y = 1;
        pl.ymin = pl.ymax = NAN;
        pl.n_refs = 2;
        snprintf(path, sizeof path, "%s/spectrum-layer%zu.svg", dir, l);
        if (!rc) rc = svg_line_plot(path, &pl, se, 2, msg, msg_len);
        fprintf(idx, "<h2>Layer %zu</h2><img src=\"explained-layer%zu.svg\"> <img src=\"spectrum-layer%zu.svg\">\n", l, l, l);
    }
    if (!rc && n_have) {
        /* overview: the kept side's curve of every layer in one figure */
        svg_plot pl = svg_plot_defaults();
        svg_series *all = calloc(n_have, sizeof *all);
        double **ys = calloc(n_have, sizeof *ys);
        char (*labels)[32] = calloc(n_have, sizeof *labels);
        svg_refline kref;
        size_t t = 0;
        if (!all || !ys || !labels) {
            snprintf(msg, msg_len, "out of memory");
            rc = -1;
        }
        for (size_t l = 0; !rc && l < nl; l++) {
            size_t ns;
            const float *ev;
            if (!sea_proj_has_layer(p, l)) continue;
            ev = sea_proj_explained(p, l, SEA_PROJ_POS, &ns);
            ys[t] = calloc(ns ? ns : 1, sizeof **ys);
            if (!ys[t]) {
                snprintf(msg, msg_len, "out of memory");
                rc = -1;
                break;
            }
            for (size_t j = 0; j < ns; j++) ys[t][j] = ev[j];
            snprintf(labels[t], sizeof labels[t], "layer %zu", l);
            all[t].label = labels[t];
            all[t].y = ys[t];
            all[t].n = ns;
            t++;
        }
        if (!rc) {
            pl.title = "Cumulative explained variance of Ω+ (neutral × positive), all layers";
            pl.subtitle = "share of Σσ² captured by the first k directions";
            pl.xlabel = "number of singular directions k";
            pl.ylabel = "cumulative explained ratio";
            pl.ymin = 0;
            pl.ymax = 1;
            pl.legend_pos = 1;
            kref.vertical = 0;
            kref.at = sea_proj_k_ratio(p, SEA_PROJ_POS);
            kref.label = "K";
            kref.color = NULL;
            pl.refs = &kref;
            pl.n_refs = isnan(kref.at) ? 0 : 1;
            snprintf(path, sizeof path, "%s/explained-variance.svg", dir);
            rc = svg_line_plot(path, &pl, all, t, msg, msg_len);
        }
        for (size_t i = 0; i < t; i++) free(ys[i]);
        free(ys);
        free(all);
        free(labels);
    }
    if (!rc && n_have) {
        svg_plot pl = svg_plot_defaults();
        svg_series se;
        memset(&se, 0, sizeof se);
        se.label = "sum of singular values of [mean H+, mean H-]";
        se.y = sig;
        se.n = n_have;
        pl.title = "Layer signature (paper §4.7, App. A)";
        pl.subtitle = "how strongly positive and negative demonstrations differ at each layer";
        pl.xlabel = "layer";
        pl.ylabel = "signature";
        snprintf(path, sizeof path, "%s/signature.svg", dir);
        rc = svg_bar_plot(path, &pl, cats, n_have, &se, 1, msg, msg_len);
    }
out:
    if (idx) {
        fprintf(idx, "</body>\n");
        if (fclose(idx) != 0 && !rc) {
            snprintf(msg, msg_len, "%s/index.html: write failed", dir);
            rc = -1;
        }
    }
    free(x);
    free(y[0]);
    free(y[1]);
    free(sig);
    free(cats);
    free(catbuf);
    return rc;
}

