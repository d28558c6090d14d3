# src/spectral: the SEA method: activations, feature functions, fitting, projection files, editing
seainclude_HEADERS += include/sea/spectral.h
libsea_core_la_SOURCES += src/spectral/feature.c src/spectral/acts.c src/spectral/proj.c src/spectral/fit.c
# the authors' dense projectors (.pt) to and from projection files
libsea_core_la_SOURCES += src/spectral/proj_pt.c
# provenance of activations and projections (model identity, checks at edit time)
libsea_core_la_SOURCES += src/spectral/provenance.c
noinst_HEADERS += src/spectral/spectral_internal.h
# editing in the forward pass (SEA-SPEC §4)
libsea_core_la_SOURCES += src/spectral/edit.c
seainclude_HEADERS += include/sea/edit.h
# tracing demonstrations (SEA-SPEC §2)
libsea_core_la_SOURCES += src/spectral/trace.c
seainclude_HEADERS += include/sea/trace.h
# baking a linear edit into down_proj weights (sea bake)
libsea_core_la_SOURCES += src/spectral/bake.c
