# src/io: JSON reader, safetensors reader/writer, model config
libsea_la_SOURCES += src/io/json.c
seainclude_HEADERS += include/sea/json.h
seainclude_HEADERS += include/sea/safetensors.h
libsea_la_SOURCES += src/io/safetensors.c src/io/st_dir.c src/io/st_writer.c
noinst_HEADERS += src/io/st_internal.h
# GGUF reader and writer (quantized weights; doc/FORMATS.md)
seainclude_HEADERS += include/sea/gguf.h
libsea_la_SOURCES += src/io/gguf.c src/io/gguf_writer.c
