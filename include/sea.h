/* sea.h: spectral editing of activations (SEA) for Llama-family models, in portable C.
 * Include this one header; the pieces are in sea/. */
#ifndef SEA_H
#define SEA_H

#include "sea/core.h"
#include "sea/json.h"

#endif /* SEA_H */
