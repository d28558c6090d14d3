/* sea/tokenizer.h: Hugging Face tokenizer.json (filled in by the tokenizer issue). */
#ifndef SEA_TOKENIZER_H
#define SEA_TOKENIZER_H
#include "sea/core.h"
#endif /* SEA_TOKENIZER_H */
