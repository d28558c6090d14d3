# src/sea: the SEA method: activations, feature functions, fitting, projection files, editing
seainclude_HEADERS += include/sea/spectral.h
libsea_la_SOURCES += src/sea/feature.c src/sea/acts.c src/sea/proj.c src/sea/fit.c
noinst_HEADERS += src/sea/sea_internal.h
