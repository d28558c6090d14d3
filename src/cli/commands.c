/* src/cli/commands.c: the table of `sea` commands. Each command lives in its own cmd_*.c. */
#include "cli/cli.h"

const cli_command cli_commands[] = {
    {"demo", cmd_demo, "the whole method on the bundled model, explained step by step"},
    {"info", cmd_info, "describe a model directory (architecture, shapes, memory)"},
    {"tokenize", cmd_tokenize, "text to token ids with the model's tokenizer.json"},
    {"detokenize", cmd_detokenize, "token ids to text"},
    {"generate", cmd_generate, "generate text (greedy or sampled), optionally edited"},
    {"forward", cmd_forward, "run one forward pass and dump logits and per-layer tensors"},
    {"perplexity", cmd_perplexity, "perplexity of a text, optionally edited"},
    {"demos", cmd_demos, "build the paper's demonstrations from HaluEval or BBQ (its selection, exactly)"},
    {"trace", cmd_trace, "trace activations of demonstrations (SEA step 1)"},
    {"acts", cmd_acts, "inspect an activation file ('sea acts info FILE')"},
    {"merge", cmd_merge, "join activation shards produced by 'sea trace --shard'"},
    {"fit", cmd_fit, "fit spectral editing projections from activations (SEA step 2)"},
    {"proj", cmd_proj, "projection files: info, import/export of the SEA authors' .pt projectors"},
    {"bake", cmd_bake, "write a copy of a model whose weights carry a linear SEA edit"},
    {"eval", cmd_eval, "evaluate TruthfulQA MC1/MC2/MC3 or BBQ, with or without an edit"},
    {"bench", cmd_bench, "measure prefill and decode speed"},
    {"make-model", cmd_make_model, "write a random-weight model of a known shape"},
    {"quantize", cmd_quantize, "write a model as a GGUF file with 8-bit or 4-bit weights"},
};
const size_t cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];
