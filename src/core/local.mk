# src/core: status codes, errors, allocation hook, buffers, files, hashing
libsea_core_la_SOURCES += src/core/status.c src/core/alloc.c src/core/buf.c src/core/file.c \
	src/core/sha256.c src/core/bigmem.c src/core/clock.c \
	src/core/rng.c src/core/threads.c
noinst_HEADERS += src/core/internal.h
seainclude_HEADERS += include/sea/core.h
