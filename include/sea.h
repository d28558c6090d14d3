/* sea.h: spectral editing of activations (SEA) for Llama-family models, in portable C.
 * Include this one header; the pieces are in sea/:
 *   core.h         status codes, errors, allocator hook, dtypes
 *   json.h         strict JSON reader
 *   safetensors.h  safetensors files and sharded checkpoints
 *   model.h        Llama model, forward pass, hooks, generation
 *   tokenizer.h    tokenizer.json and chat templates
 *   linalg.h       QR and SVD in double
 *   spectral.h     activations, SEA fitting, projection files, feature functions
 *   trace.h        demonstrations and tracing activations (SEA step 1)
 *   edit.h         applying projections in the forward pass (merges, layer selection)
 *   eval.h         perplexity, TruthfulQA, BBQ
 */
#ifndef SEA_H
#define SEA_H

#include "sea/core.h"
#include "sea/json.h"
#include "sea/safetensors.h"
#include "sea/gguf.h"
#include "sea/model.h"
#include "sea/tokenizer.h"
#include "sea/linalg.h"
#include "sea/spectral.h"
#include "sea/edit.h"
#include "sea/trace.h"
#include "sea/eval.h"

#endif /* SEA_H */
