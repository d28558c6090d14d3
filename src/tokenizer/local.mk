# src/tokenizer: tokenizer.json (BPE, SentencePiece and byte-level), chat templates
seainclude_HEADERS += include/sea/tokenizer.h
