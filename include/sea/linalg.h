/* sea/linalg.h: dense linear algebra in double (filled in by the spectral issue). */
#ifndef SEA_LINALG_H
#define SEA_LINALG_H
#include "sea/core.h"
#endif /* SEA_LINALG_H */
