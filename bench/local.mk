# bench: benchmark programs (built with `make bench`, not installed). Each prints a ratio
# against a baseline measured in the same run; doc/PERFORMANCE.md records the results and
# the commands.
noinst_PROGRAMS += bench/stream
bench_stream_SOURCES = bench/stream.c
bench_stream_CFLAGS = -O3 $(OPENMP_CFLAGS)
bench_stream_LDFLAGS = $(OPENMP_CFLAGS)
EXTRA_DIST += bench/bench_torch_llama.py bench/forward.sh
noinst_PROGRAMS += bench/bench_gemm
bench_bench_gemm_SOURCES = bench/bench_gemm.c
bench_bench_gemm_LDADD = libsea.la -lm
