/* fuzz/fuzz_st_dir.c: a checkpoint directory (sea_st_dir_open): model.safetensors.index.json
 * and its shards, or a lone model.safetensors. The input is the index followed by the files of
 * the directory in the multi-file format of fuzz.h ("\n--8<--\nNAME\n" before each file), written
 * to a private temporary directory. A directory that opens must present every tensor once,
 * sorted, findable, inside a file of the directory, with sizes that add up. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_part parts[FZ_MAX_PARTS];
    int n = fz_split(parts, data, size);
    sea_st_dir *d = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    fz_write_parts(parts, n, "model.safetensors.index.json");
    sea_err_clear(&err);
    st = sea_st_dir_open(&d, fz_tmpdir(), &err);
    fz_check_main(st, &err, "sea_st_dir_open");
    if (st == SEA_OK) {
        uint64_t total = 0;
        size_t n_files = sea_st_dir_n_files(d);
        if (n_files < 1 || n_files > SEA_ST_MAX_SHARDS) fz_fail("st_dir", "file count out of range");
        for (size_t i = 0; i < sea_st_dir_count(d); i++) {
            const sea_st_tensor *t = sea_st_dir_at(d, i);
            const char *file = sea_st_dir_file_of(d, t);
            if (i && strcmp(sea_st_dir_at(d, i - 1)->name, t->name) >= 0) fz_fail("st_dir", "tensors not sorted or repeated");
            if (sea_st_dir_find(d, t->name) != t) fz_fail("st_dir", "sea_st_dir_find misses a tensor");
            if (!file || strncmp(file, fz_tmpdir(), strlen(fz_tmpdir())) != 0) fz_fail("st_dir", "tensor in a file outside the directory");
            if (t->shard < 0 || (size_t)t->shard >= n_files) fz_fail("st_dir", "shard index out of range");
            total += t->nbytes;
        }
        if (total != sea_st_dir_data_bytes(d)) fz_fail("st_dir", "data bytes do not add up");
        sea_st_dir_close(d);
    } else if (d) {
        fz_fail("sea_st_dir_open", "failure left a handle");
    }
    fz_cleanup();
    return 0;
}
