/* src/tokenizer/template.c: the chat templates of SEA-SPEC §7, as exact strings. BOS is never
 * part of the text: the tokenizer adds it (add_special), so a template never doubles it. */
#include <string.h>

#include "tokenizer/tok_internal.h"

static const char *const names[] = {"none", "llama2-chat", "mistral", "llama3-chat", "gemma", "qwen2"};

sea_status sea_template_parse(sea_template *out, const char *name, sea_err *err)
{
    if (!out || !name) return sea__err(err, SEA_ERR_ARG, "sea_template_parse: NULL argument");
    for (size_t i = 0; i < SEA_ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (sea_template)i;
            return SEA_OK;
        }
    return sea__err(err, SEA_ERR_ARG, "unknown template '%s' (expected none, llama2-chat, mistral, llama3-chat, gemma or qwen2)", name);
}

const char *sea_template_name(sea_template t)
{
    return (unsigned)t < SEA_ARRAY_LEN(names) ? names[t] : "?";
}

sea_status sea_template_apply(char **out, sea_template t, const char *system, const char *user, sea_err *err)
{
    sea_buf b;
    if (!out || !user) return sea__err(err, SEA_ERR_ARG, "sea_template_apply: NULL argument");
    *out = NULL;
    sea__buf_init(&b);
    switch (t) {
    case SEA_TEMPLATE_NONE:
        if (system) return sea__err(err, SEA_ERR_ARG, "template 'none' has no place for a system prompt");
        sea__buf_puts(&b, user);
        break;
    case SEA_TEMPLATE_LLAMA2_CHAT:
        if (system)
            sea__buf_printf(&b, "[INST] <<SYS>>\n%s\n<</SYS>>\n\n%s [/INST]", system, user);
        else
            sea__buf_printf(&b, "[INST] %s [/INST]", user);
        break;
    case SEA_TEMPLATE_MISTRAL:
        /* Mistral has no system role: like its chat template, the system prompt opens the
         * first user message */
        if (system)
            sea__buf_printf(&b, "[INST] %s\n\n%s [/INST]", system, user);
        else
            sea__buf_printf(&b, "[INST] %s [/INST]", user);
        break;
    case SEA_TEMPLATE_LLAMA3_CHAT:
        if (system)
            sea__buf_printf(&b, "<|start_header_id|>system<|end_header_id|>\n\n%s<|eot_id|>", system);
        sea__buf_printf(&b,
                        "<|start_header_id|>user<|end_header_id|>\n\n%s<|eot_id|>"
                        "<|start_header_id|>assistant<|end_header_id|>\n\n",
                        user);
        break;
    case SEA_TEMPLATE_GEMMA:
        /* Gemma has no system role (its own template refuses one): like Mistral, the system
         * prompt opens the user turn */
        sea__buf_puts(&b, "<start_of_turn>user\n");
        if (system) sea__buf_printf(&b, "%s\n\n", system);
        sea__buf_printf(&b, "%s<end_of_turn>\n<start_of_turn>model\n", user);
        break;
    case SEA_TEMPLATE_QWEN2:
        /* ChatML as Qwen2-Instruct's template writes it, its default system prompt included */
        sea__buf_printf(&b,
                        "<|im_start|>system\n%s<|im_end|>\n<|im_start|>user\n%s<|im_end|>\n"
                        "<|im_start|>assistant\n",
                        system ? system : SEA_QWEN2_SYSTEM_PROMPT, user);
        break;
    default:
        return sea__err(err, SEA_ERR_ARG, "template %d is not a template", (int)t);
    }
    if (b.failed || sea__buf_reserve(&b, 0)) {
        sea__buf_free(&b);
        return sea__err_nomem(err, "templated text");
    }
    b.data[b.len] = '\0';
    *out = b.data;
    return SEA_OK;
}
