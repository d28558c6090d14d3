/* src/cli/cmd_acts.c: `sea acts info FILE`: what an activation file holds and where it comes
 * from (as `sea proj info` does for a projection file). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sea.h"

int cmd_acts(int argc, char **argv);
int cmd_acts(int argc, char **argv)
{
    const char *cmd = argv[0];
    int as_json = 0, n_pos, rc, has_meta;
    char *pos[2];
    sea_acts *a;
    sea_err err;
    const sea_acts_meta *m;
    const char *prov;
    const cli_opt opts[] = {
        {"json", 0, CLI_FLAG, &as_json, NULL, "print JSON instead of text", 1, 0, NULL},
    };
    rc = cli_parse(argc, argv, opts, 1, "info FILE [--json]",
                   "Describe an activation file (from 'sea trace'): shape, site, template, demonstrations, shard,\n"
                   "and the model it was traced on (architecture, shapes, config and weight-sample digests).",
                   pos, 2, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 2 || strcmp(pos[0], "info") != 0) return cli_usage_error(cmd, "expected 'info FILE'");
    sea_err_clear(&err);
    if (sea_acts_open(&a, pos[1], &err)) return cli_fail_err(cmd, &err);
    m = sea_acts_get_meta(a, &has_meta);
    prov = sea_acts_provenance(a);
    if (as_json) {
        printf("{\"N\": %zu, \"n_layer\": %zu, \"d\": %zu, \"site\": \"%s\", \"shard\": \"%zu/%zu\", \"provenance\": %s}\n",
               sea_acts_n(a), sea_acts_n_layer(a), sea_acts_d(a), m->site ? m->site : "unknown", m->shard_i, m->shard_n,
               prov ? prov : "null");
    } else {
        printf("%s: %zu demonstrations x %zu layers x d = %zu (positive, negative, base)\n", pos[1], sea_acts_n(a),
               sea_acts_n_layer(a), sea_acts_d(a));
        printf("site %s, model %s, template %s, max_new_tokens %ld\n", m->site ? m->site : "unknown",
               m->model ? m->model : "unknown", m->template_name ? m->template_name : "unknown", m->max_new_tokens);
        printf("demos sha256 %s\n", m->demos_sha256 ? m->demos_sha256 : "unknown");
        if (m->shard_n > 1)
            printf("shard %zu/%zu: join every shard with 'sea merge' before 'sea fit'\n", m->shard_i, m->shard_n);
        else
            printf("complete (not a shard)\n");
        if (prov)
            printf("provenance %s\n", prov);
        else
            printf("no provenance record (written before sea recorded it%s)\n", has_meta ? "" : ", or by another tool");
    }
    sea_acts_free(a);
    return CLI_EXIT_OK;
}
