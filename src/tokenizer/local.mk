# src/tokenizer: tokenizer.json (BPE, SentencePiece and byte-level), chat templates
seainclude_HEADERS += include/sea/tokenizer.h
libsea_core_la_SOURCES += src/tokenizer/load.c src/tokenizer/load_steps.c src/tokenizer/hash.c \
	src/tokenizer/bpe.c src/tokenizer/pretok.c src/tokenizer/regex.c src/tokenizer/encode.c \
	src/tokenizer/decode.c src/tokenizer/template.c src/tokenizer/unicode.c \
	src/tokenizer/unicode_tables.c
noinst_HEADERS += src/tokenizer/tok_internal.h src/tokenizer/unicode.h
# the tokenizer of a GGUF model file
libsea_core_la_SOURCES += src/tokenizer/load_gguf.c
