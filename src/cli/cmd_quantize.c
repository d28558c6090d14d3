/* src/cli/cmd_quantize.c: `sea quantize`: a Hugging Face Llama directory to a GGUF file with
 * 8-bit or 4-bit block-quantized weights (or bf16 / f32), readable by sea (-m FILE.gguf) and
 * by the format's other readers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sea.h"

int cmd_quantize(int argc, char **argv)
{
    const char *dir = NULL, *type = "q8_0", *out = NULL;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "Hugging Face model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"type", 0, CLI_STR, &type, "TYPE", "q8_0 (default), q4_0, q4_k_m, bf16 or f32", 0, -1, NULL},
        {"out", 'o', CLI_STR, &out, "FILE", "GGUF file to write (atomically)", 0, -1, NULL},
    };
    char *pos[1];
    int n_pos, rc;
    sea_err err;
    rc = cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, "quantize [-m DIR] [--type TYPE] --out FILE.gguf",
                   "Write the model as one GGUF file: weights of the chosen type (norms stay f32; see doc/FORMATS.md for "
                   "which tensor gets which type), hyper-parameters, tokenizer and chat template.",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!out) return cli_usage_error(argv[0], "--out FILE.gguf is required");
    dir = cli_model_dir(dir);
    if (sea_gguf_convert(dir, type, out, &err) != SEA_OK) return cli_fail_err(argv[0], &err);
    printf("wrote %s (%s)\n", out, type);
    return 0;
}
