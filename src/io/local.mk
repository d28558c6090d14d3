# src/io: JSON reader, safetensors reader/writer, model config
libsea_core_la_SOURCES += src/io/json.c
seainclude_HEADERS += include/sea/json.h
seainclude_HEADERS += include/sea/safetensors.h
libsea_core_la_SOURCES += src/io/safetensors.c src/io/st_dir.c src/io/st_writer.c
noinst_HEADERS += src/io/st_internal.h
