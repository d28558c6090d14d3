/* sea/json.h: a strict RFC 8259 JSON reader.
 *
 * The whole text is parsed into a read-only tree owned by a sea_json_doc. It accepts exactly
 * RFC 8259 (no comments, no trailing commas, no NaN, no leading zeros), validates UTF-8,
 * decodes escapes including surrogate pairs (lone surrogates are errors), refuses duplicate
 * object keys at every level, bounds nesting depth, and keeps integers exact in 64 bits.
 * Errors give the line and column: "line 3, column 14: expected ',' or '}' in object". */
#ifndef SEA_JSON_H
#define SEA_JSON_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sea_json_type {
    SEA_JSON_NULL,
    SEA_JSON_FALSE,
    SEA_JSON_TRUE,
    SEA_JSON_NUMBER,
    SEA_JSON_STRING,
    SEA_JSON_ARRAY,
    SEA_JSON_OBJECT
} sea_json_type;

/* Number flags */
#define SEA_JSON_NUM_INTEGER 1u /* written without fraction or exponent */
#define SEA_JSON_NUM_I64 2u     /* integer that fits int64_t exactly (v.num.i) */
#define SEA_JSON_NUM_U64 4u     /* integer that fits uint64_t exactly (v.num.u) */

typedef struct sea_json sea_json;
typedef struct sea_json_member sea_json_member;

struct sea_json {
    sea_json_type type;
    uint32_t line, col; /* where the value starts (1-based), for error messages */
    union {
        struct {
            const char *s; /* decoded UTF-8, NUL-terminated (may also contain NUL bytes) */
            size_t len;
        } str;
        struct {
            double d;         /* nearest double (always set) */
            int64_t i;        /* exact when flags & SEA_JSON_NUM_I64 */
            uint64_t u;       /* exact when flags & SEA_JSON_NUM_U64 */
            unsigned flags;
        } num;
        struct {
            sea_json *items; /* [n] */
            size_t n;
        } arr;
        struct {
            sea_json_member *members; /* [n], in document order, keys unique */
            size_t n;
        } obj;
    } v;
};

struct sea_json_member {
    const char *key; /* decoded UTF-8, NUL-terminated */
    size_t key_len;
    sea_json value;
};

typedef struct sea_json_doc sea_json_doc; /* opaque: owns every node and string */

typedef struct sea_json_params {
    unsigned max_depth;      /* nesting limit (default 128) */
    int allow_trailing_ws;   /* accept whitespace after the value (default 1) */
    int allow_duplicate_keys;/* default 0: duplicates are errors */
} sea_json_params;

SEA_API sea_json_params sea_json_default_params(void);

/* Parse `len` bytes of `text` (need not be NUL-terminated). On success *out owns the tree;
 * free it with sea_json_free. params may be NULL for the defaults. */
SEA_API sea_status sea_json_parse(sea_json_doc **out, const char *text, size_t len,
                                  const sea_json_params *params, sea_err *err);
SEA_API void sea_json_free(sea_json_doc *doc);
/* Root value (borrowed, valid until sea_json_free). */
SEA_API const sea_json *sea_json_root(const sea_json_doc *doc);

/* Member of an object by key, or NULL (also NULL if `obj` is not an object). Linear scan. */
SEA_API const sea_json *sea_json_get(const sea_json *obj, const char *key);
/* Name of a type for messages ("object", "string", ...). */
SEA_API const char *sea_json_type_name(sea_json_type t);

/* Typed accessors that explain a failure in err ("'num_hidden_layers' must be an integer,
 * got string"). `what` names the value in the message. They return SEA_ERR_FORMAT on a
 * wrong type or range and do not touch *out then. */
SEA_API sea_status sea_json_as_i64(int64_t *out, const sea_json *v, const char *what, sea_err *err);
SEA_API sea_status sea_json_as_u64(uint64_t *out, const sea_json *v, const char *what, sea_err *err);
SEA_API sea_status sea_json_as_double(double *out, const sea_json *v, const char *what, sea_err *err);
SEA_API sea_status sea_json_as_bool(int *out, const sea_json *v, const char *what, sea_err *err);
SEA_API sea_status sea_json_as_string(const char **out, size_t *len, const sea_json *v,
                                      const char *what, sea_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SEA_JSON_H */
