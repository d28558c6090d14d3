# src/linalg: Householder QR, Jacobi and randomized SVD in double
seainclude_HEADERS += include/sea/linalg.h
