# src/sea: the SEA method: activations, feature functions, fitting, projection files, editing
seainclude_HEADERS += include/sea/spectral.h
