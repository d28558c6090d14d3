/* sea/spectral.h: activations, SEA fitting and projection files (filled in by the spectral issue). */
#ifndef SEA_SPECTRAL_H
#define SEA_SPECTRAL_H
#include "sea/core.h"
#endif /* SEA_SPECTRAL_H */
