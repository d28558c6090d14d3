/* src/tokenizer/tok_internal.h: the tokenizer's internal data structures, shared by the files of
 * src/tokenizer (loading, encoding, BPE, pre-tokenizers, decoding). Not installed.
 *
 * Model of Hugging Face `tokenizers` that the code follows (see doc/TOKENIZER.md):
 *   text --(added tokens, raw)--> segments --normalizer--> --(added tokens, normalized)-->
 *   --pre-tokenizers--> pieces --BPE--> ids --post-processor--> ids
 * and for decoding: ids --> token strings --decoder chain--> text. */
#ifndef SEA_TOKENIZER_INTERNAL_H
#define SEA_TOKENIZER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include "sea/tokenizer.h"

/* ---- limits on what a tokenizer.json may declare (checked before allocating) ---- */
#define TOK_MAX_JSON_BYTES ((size_t)512 << 20) /* tokenizer.json file */
#define TOK_MAX_CONFIG_BYTES ((size_t)16 << 20) /* tokenizer_config.json file */
#define TOK_MAX_IDS (1 << 24)                   /* ids are < 16,777,216 */
/* The id tables are indexed by id, so their size follows the largest id, not the number of
 * tokens: ids may leave gaps, but at most TOK_ID_SLACK ids beyond twice the tokens defined
 * (a 200-byte file with the single id 16,777,215 would otherwise cost 144 MiB). */
#define TOK_ID_SLACK 65536
#define TOK_MAX_MERGES (1 << 24)
#define TOK_MAX_ADDED (1 << 20)
#define TOK_MAX_PIECE 1024  /* bytes in one vocab entry, merge part or added token */
#define TOK_MAX_STEPS 64    /* normalizers / pre-tokenizers / decoders / template items */
#define TOK_MAX_TEXT ((size_t)1 << 31) /* bytes of text encoded in one call */

/* ---- hash tables (open addressing, seeded so crafted files cannot force collisions) ---- */
/* String -> int32 map whose keys live in an external arena (offset, length). */
typedef struct tok_strmap {
    struct tok_strmap_slot {
        uint32_t off, len;
        int32_t value; /* -1: empty slot */
        uint32_t hash_lo;
    } *slots;
    size_t mask; /* capacity - 1 (capacity a power of two) */
    size_t count;
    uint64_t seed;
} tok_strmap;

sea_status sea__tok_strmap_init(tok_strmap *m, size_t expected, uint64_t seed);
void sea__tok_strmap_free(tok_strmap *m);
/* Insert key (arena + off, len) -> value. Returns the existing value if the key is already
 * present (and does not insert), -1 if inserted. */
int32_t sea__tok_strmap_put(tok_strmap *m, const char *arena, uint32_t off, uint32_t len, int32_t value);
/* Value for key s[0..len), or -1. */
int32_t sea__tok_strmap_get(const tok_strmap *m, const char *arena, const char *s, size_t len);

/* (uint32, uint32) -> (uint32, uint32) map: merges (a_id, b_id) -> (rank, new_id), and trie
 * edges (node, byte) -> child. */
typedef struct tok_pairmap {
    struct tok_pairmap_slot {
        uint64_t key; /* UINT64_MAX: empty */
        uint32_t v1, v2;
    } *slots;
    size_t mask;
    size_t count;
    uint64_t seed;
} tok_pairmap;

sea_status sea__tok_pairmap_init(tok_pairmap *m, size_t expected, uint64_t seed);
void sea__tok_pairmap_free(tok_pairmap *m);
/* Insert or overwrite. */
void sea__tok_pairmap_set(tok_pairmap *m, uint32_t a, uint32_t b, uint32_t v1, uint32_t v2);
/* 1 and the values if present, else 0. */
int sea__tok_pairmap_get(const tok_pairmap *m, uint32_t a, uint32_t b, uint32_t *v1, uint32_t *v2);
/* Grow so that `extra` more entries fit without exceeding the load factor. */
sea_status sea__tok_pairmap_reserve(tok_pairmap *m, size_t extra);

/* ---- added tokens and the trie that finds them (leftmost-longest, like aho-corasick's
 * MatchKind::LeftmostLongest in HF) ---- */
typedef struct tok_added {
    int32_t id;
    uint32_t off, len; /* content in tok->arena */
    uint8_t single_word, lstrip, rstrip, normalized, special;
} tok_added;

typedef struct tok_trie {
    tok_pairmap edges;  /* (node, byte) -> (child, 0) */
    int32_t *terminal;  /* [n_nodes] index into tok->added, or -1 */
    uint32_t n_nodes;
    uint32_t cap_nodes;
    uint32_t n_patterns;
} tok_trie;

/* ---- pipeline steps read from tokenizer.json ---- */
typedef enum tok_norm_kind { NORM_PREPEND, NORM_REPLACE, NORM_STRIP, NORM_NFC } tok_norm_kind;
typedef struct tok_norm {
    tok_norm_kind kind;
    uint32_t a_off, a_len; /* PREPEND: string; REPLACE: pattern */
    uint32_t b_off, b_len; /* REPLACE: content */
    uint8_t left, right;   /* STRIP */
} tok_norm;

typedef enum tok_split_behavior {
    SPLIT_REMOVED, SPLIT_ISOLATED, SPLIT_MERGED_PREV, SPLIT_MERGED_NEXT, SPLIT_CONTIGUOUS
} tok_split_behavior;

typedef enum tok_regex { RX_NONE, RX_LLAMA3, RX_GPT2, RX_QWEN2 } tok_regex;

typedef enum tok_pretok_kind { PT_METASPACE, PT_SPLIT, PT_BYTELEVEL, PT_DIGITS } tok_pretok_kind;
typedef enum tok_prepend { PREPEND_ALWAYS, PREPEND_FIRST, PREPEND_NEVER } tok_prepend;
typedef struct tok_pretok {
    tok_pretok_kind kind;
    uint32_t s_off, s_len;        /* METASPACE: replacement; SPLIT: literal pattern */
    tok_regex regex;              /* SPLIT with a known regex */
    tok_split_behavior behavior;  /* SPLIT */
    uint8_t invert;               /* SPLIT */
    tok_prepend prepend;          /* METASPACE */
    uint8_t split;                /* METASPACE */
    uint8_t add_prefix_space;     /* BYTELEVEL */
    uint8_t use_regex;            /* BYTELEVEL */
    uint8_t individual;           /* DIGITS */
} tok_pretok;

typedef enum tok_dec_kind {
    DEC_REPLACE, DEC_BYTEFALLBACK, DEC_FUSE, DEC_STRIP, DEC_BYTELEVEL, DEC_METASPACE
} tok_dec_kind;
typedef struct tok_dec {
    tok_dec_kind kind;
    uint32_t a_off, a_len; /* REPLACE pattern; METASPACE replacement; STRIP content */
    uint32_t b_off, b_len; /* REPLACE content */
    uint32_t start, stop;  /* STRIP: characters */
    uint8_t prepend;       /* METASPACE: prepend_scheme != never */
} tok_dec;

/* Flags per id */
#define TOK_IN_VOCAB 1u /* the model's vocab has this id */
#define TOK_ADDED 2u    /* an added token has this id */
#define TOK_SPECIAL 4u  /* its content is a special added token (skipped by skip_special) */

#define TOK_CP_CACHE 0x800 /* single-character vocab ids cached for code points below this */

struct sea_tokenizer {
    char *arena; /* every string: vocab pieces, added contents, step parameters */
    size_t arena_len, arena_cap;

    int32_t n_ids;       /* max id + 1 */
    uint32_t *piece_off; /* [n_ids] raw token string of each id (added content first) */
    uint32_t *piece_len; /* [n_ids] */
    uint8_t *id_flags;   /* [n_ids] TOK_* */

    tok_strmap vocab;   /* model vocab: piece -> id */
    tok_pairmap merges; /* (a, b) -> (rank, new id) */
    size_t n_merges;
    int byte_fallback, fuse_unk, ignore_merges;
    int32_t unk_id;          /* -1 none; -2 named but absent from the vocab (error when needed) */
    char unk_name[64];
    int32_t byte_ids[256];   /* id of "<0xNN>", or -1 */
    int32_t cp_ids[TOK_CP_CACHE]; /* id of the one-character piece U+0000..U+07FF, or -1 */

    tok_added *added; /* [n_added] in matching priority order (special first, then others) */
    size_t n_added;
    tok_trie trie_raw;  /* added tokens with normalized == false, matched on the raw text */
    tok_trie trie_norm; /* normalized == true, matched (as normalized) on normalized text */
    uint32_t *norm_pat_off, *norm_pat_len; /* [n_added] normalized pattern of each added token */

    tok_norm norm[TOK_MAX_STEPS];
    size_t n_norm;
    tok_pretok pretok[TOK_MAX_STEPS];
    size_t n_pretok;
    tok_dec dec[TOK_MAX_STEPS];
    size_t n_dec;
    int has_decoder; /* 0: tokens are joined with " " (HF without a decoder) */

    int32_t tmpl_pre[TOK_MAX_STEPS];  /* ids added before the sequence by add_special */
    size_t n_tmpl_pre;
    int32_t tmpl_post[TOK_MAX_STEPS]; /* ... and after it */
    size_t n_tmpl_post;

    int32_t bos, eos;
    int add_bos;
    uint64_t seed;
};

/* ---- growable int32 vector ---- */
typedef struct tok_ids {
    int32_t *v;
    size_t n, cap;
} tok_ids;
int sea__tok_ids_push(tok_ids *a, int32_t x); /* 0 ok, -1 out of memory */

/* ---- arena ---- */
/* Append bytes to tok->arena; stores the offset. 0 ok, -1 out of memory or over 4 GiB. */
int sea__tok_arena_add(sea_tokenizer *tok, const char *s, size_t len, uint32_t *off);
static inline const char *tok_str(const sea_tokenizer *tok, uint32_t off) { return tok->arena + off; }

/* ---- trie (tok_trie.c) ---- */
sea_status sea__tok_trie_init(tok_trie *t, uint64_t seed, sea_err *err);
void sea__tok_trie_free(tok_trie *t);
sea_status sea__tok_trie_add(tok_trie *t, const char *s, size_t len, int32_t index, sea_err *err);
/* Longest pattern starting at s[0..n): its length (0 if none) and index. */
size_t sea__tok_trie_longest(const tok_trie *t, const char *s, size_t n, int32_t *index);

/* ---- splitting by added tokens (encode.c) ---- */
typedef struct tok_seg {
    size_t start, end; /* byte range of the input */
    int32_t added;     /* index into tok->added, or -1 for plain text */
} tok_seg;
typedef struct tok_segs {
    tok_seg *v;
    size_t n, cap;
} tok_segs;

/* ---- pre-tokenized pieces (pretok.c) ---- */
typedef struct tok_piece {
    size_t off, len; /* in the work buffer */
    int at_start;    /* the piece begins at offset 0 of the original text (Metaspace "first") */
} tok_piece;
typedef struct tok_pieces {
    tok_piece *v;
    size_t n, cap;
} tok_pieces;
int sea__tok_pieces_push(tok_pieces *p, size_t off, size_t len, int at_start);

/* Apply the normalizer chain to s[0..n), appending the result to out. *prefix_bytes gets the
 * number of leading output bytes that map to original offset 0 beyond the first character
 * (added by Prepend). Returns 0, -1 on out of memory, or -2 when an NFC normalizer meets
 * text it cannot normalize (pretok.c: code points beyond U+02FF other than punctuation). */
int sea__tok_normalize(const sea_tokenizer *tok, const char *s, size_t n, sea_buf *out,
                  size_t *prefix_bytes);
/* Run the pre-tokenizer chain on the string in buf->data[off..off+len); the resulting pieces
 * (offsets into buf, which grows with the rewritten text) are appended to out. */
int sea__tok_pretokenize(const sea_tokenizer *tok, sea_buf *buf, size_t off, size_t len, int at_start,
                    tok_pieces *out);

/* Regex matchers (regex.c): length of the match starting at s[i] (0 when none), searching
 * forward like onig find_iter. */
size_t sea__tok_regex_match(tok_regex rx, const unsigned char *s, size_t n, size_t i);

/* ---- BPE (bpe.c) ---- */
typedef struct tok_bpe_work {
    int32_t *id;
    uint32_t *len;
    int32_t *prev, *next;
    size_t n, cap;
    uint64_t *heap_key; /* rank << 32 | pos */
    int32_t *heap_new;  /* new id */
    int32_t *heap_pair; /* [2 * cap] the (left, right) ids the entry was made from */
    size_t heap_n, heap_cap;
} tok_bpe_work;
void sea__tok_bpe_work_free(tok_bpe_work *w);
/* Tokenize one piece s[0..n) and append ids. */
sea_status sea__tok_bpe(const sea_tokenizer *tok, const char *s, size_t n, tok_bpe_work *w,
                   tok_ids *out, sea_err *err);
/* The quadratic reference merge loop (repeatedly merge the best pair, rescanning): used by
 * the benchmark as a baseline and by the tests as an oracle. */
sea_status sea__tok_bpe_naive(const sea_tokenizer *tok, const char *s, size_t n, tok_ids *out,
                         sea_err *err);

/* The whole encoding pipeline (encode.c); naive selects the quadratic reference merge loop
 * (sea__tok_bpe_naive) instead of the heap. */
sea_status sea__tok_encode(const sea_tokenizer *tok, const char *text, size_t len, int add_special, int naive,
                           int32_t **ids, size_t *n_ids, sea_err *err);

/* ---- loading (load.c, load_steps.c) ---- */
struct sea_json;
sea_status sea__tok_load_steps(sea_tokenizer *tok, const struct sea_json *root, const char *path,
                          sea_err *err);
/* Look a token string up: added tokens first, then the vocab (HF token_to_id). -1 if none. */
int32_t sea__tok_token_to_id(const sea_tokenizer *tok, const char *s, size_t len);

/* 64-bit seeded hash of a byte string. */
uint64_t sea__tok_hash_bytes(const void *p, size_t n, uint64_t seed);

/* load_gguf.c: the tokenizer of a GGUF model file (sea_tokenizer_open given a file) */
int sea__tok_path_is_file(const char *path);
sea_status sea__tokenizer_open_gguf(sea_tokenizer **out, const char *path, sea_err *err);

#endif /* SEA_TOKENIZER_INTERNAL_H */
