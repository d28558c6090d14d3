# src/io: JSON reader, safetensors reader/writer, model config
libsea_core_la_SOURCES += src/io/json.c
seainclude_HEADERS += include/sea/json.h
seainclude_HEADERS += include/sea/safetensors.h
libsea_core_la_SOURCES += src/io/safetensors.c src/io/st_dir.c src/io/st_writer.c
# PyTorch .pt files (torch.save zip + restricted unpickler) for the projection import/export
libsea_core_la_SOURCES += src/io/pt.c src/io/pt_write.c
noinst_HEADERS += src/io/pt_internal.h
noinst_HEADERS += src/io/st_internal.h
# GGUF reader and writer (quantized weights; doc/FORMATS.md)
seainclude_HEADERS += include/sea/gguf.h
libsea_core_la_SOURCES += src/io/gguf.c src/io/gguf_writer.c
