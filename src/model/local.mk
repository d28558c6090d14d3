# src/model: config, model loading, inference context, forward pass, sampling, generation
libsea_core_la_SOURCES += src/model/family.c src/model/config.c src/model/model.c src/model/ctx.c src/model/forward.c src/model/generate.c
noinst_HEADERS += src/model/model_internal.h
seainclude_HEADERS += include/sea/model.h
libsea_core_la_SOURCES += src/model/gguf_convert.c src/model/load_gguf.c
