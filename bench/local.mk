# bench: benchmark programs (not installed; built with the library so they never rot, and by
# `make bench` alone). Each prints a ratio against a baseline measured in the same run;
# doc/PERFORMANCE.md records the results and the commands.
bench_programs = bench/stream bench/bench_gemm bench/bench_fit bench/bench_tokenize bench/peak
bench_programs += bench/bench_quant
noinst_PROGRAMS += $(bench_programs)
bench_stream_SOURCES = bench/stream.c
bench_stream_CFLAGS = -O3 $(OPENMP_CFLAGS)
bench_stream_LDFLAGS = $(OPENMP_CFLAGS)
bench_peak_SOURCES = bench/peak.c
bench_peak_CFLAGS = -O2 $(OPENMP_CFLAGS)
bench_peak_LDFLAGS = $(OPENMP_CFLAGS)
bench_bench_gemm_SOURCES = bench/bench_gemm.c
bench_bench_gemm_LDADD = $(SEA_CORE_LIBS)
bench_bench_fit_SOURCES = bench/bench_fit.c
bench_bench_fit_LDADD = libsea.la -lm
bench_bench_tokenize_SOURCES = bench/bench_tokenize.c
bench_bench_tokenize_LDADD = $(SEA_CORE_LIBS)
bench_bench_quant_SOURCES = bench/bench_quant.c
bench_bench_quant_LDADD = $(SEA_CORE_LIBS)
EXTRA_DIST += bench/bench_torch_llama.py bench/forward.sh bench/bench_fit_torch.py

.PHONY: bench
bench: $(bench_programs) sea$(EXEEXT)
