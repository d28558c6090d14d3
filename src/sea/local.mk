# src/sea: the SEA method: activations, feature functions, fitting, projection files, editing
seainclude_HEADERS += include/sea/spectral.h
libsea_la_SOURCES += src/sea/feature.c src/sea/acts.c src/sea/proj.c src/sea/fit.c
noinst_HEADERS += src/sea/sea_internal.h
noinst_PROGRAMS += bench/bench_fit
bench_bench_fit_SOURCES = bench/bench_fit.c
bench_bench_fit_LDADD = libsea.la -lm
EXTRA_DIST += bench/bench_fit_torch.py
sea_SOURCES += src/cli/svg.c src/cli/fit_plots.c
noinst_HEADERS += src/cli/svg.h src/cli/fit_plots.h
# editing in the forward pass (SEA-SPEC §4)
libsea_la_SOURCES += src/sea/edit.c
seainclude_HEADERS += include/sea/edit.h
# tracing demonstrations (SEA-SPEC §2)
libsea_la_SOURCES += src/sea/trace.c
seainclude_HEADERS += include/sea/trace.h
