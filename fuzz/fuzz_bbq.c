/* fuzz/fuzz_bbq.c: BBQ JSON Lines files (sea_bbq_load: context, question, three answers,
 * label, answer_info groups, stereotyped groups, polarity), written to a temporary file. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    sea_bbq *d = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    fz_write_input(path, sizeof path, "bbq.jsonl", data, size);
    sea_err_clear(&err);
    st = sea_bbq_load(&d, path, &err);
    fz_check_main(st, &err, "sea_bbq_load");
    if (st == SEA_OK) {
        if (sea_bbq_count(d) < 1) fz_fail("bbq", "loaded without an item");
        sea_bbq_free(d);
    } else if (d) {
        fz_fail("sea_bbq_load", "failure left a handle");
    }
    fz_cleanup();
    return 0;
}
