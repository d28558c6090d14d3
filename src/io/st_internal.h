/* src/io/st_internal.h: helpers shared by the safetensors reader, checkpoint and writer. */
#ifndef SEA_IO_ST_INTERNAL_H
#define SEA_IO_ST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct sea_err;

/* Replace control characters in a failure message with '?': names and keys quoted from a
 * hostile file may hold newlines, and a report must stay one line. */
void sea__st_one_line(struct sea_err *err);

/* "[2, 3, *]" into buf; returns characters written (truncated to cap). */
size_t sea__st_format_shape(char *buf, size_t cap, int rank, const uint64_t *shape);

#endif
