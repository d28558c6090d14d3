/* src/cli/outbuf.c: growable output text, written atomically (see outbuf.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/outbuf.h"

void cli_outbuf_init(cli_outbuf *b)
{
    memset(b, 0, sizeof *b);
}

void cli_outbuf_free(cli_outbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static int reserve(cli_outbuf *b, size_t extra)
{
    size_t need, nc;
    char *nd;
    if (b->failed) return -1;
    if (extra > (size_t)-1 / 2 - b->len) goto fail;
    need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    nc = b->cap ? b->cap : 4096;
    while (nc < need) nc *= 2;
    nd = realloc(b->data, nc);
    if (!nd) goto fail;
    b->data = nd;
    b->cap = nc;
    return 0;
fail:
    b->failed = 1;
    return -1;
}

void cli_outbuf_add(cli_outbuf *b, const char *s, size_t n)
{
    if (reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cli_outbuf_puts(cli_outbuf *b, const char *s)
{
    cli_outbuf_add(b, s, strlen(s));
}

void cli_outbuf_printf(cli_outbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n)) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void cli_outbuf_json_string(cli_outbuf *b, const char *s, size_t n)
{
    cli_outbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            cli_outbuf_add(b, esc, 2);
        } else if (c == '\n') cli_outbuf_add(b, "\\n", 2);
        else if (c == '\t') cli_outbuf_add(b, "\\t", 2);
        else if (c == '\r') cli_outbuf_add(b, "\\r", 2);
        else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            cli_outbuf_add(b, esc, 6);
        } else cli_outbuf_add(b, (const char *)&s[i], 1);
    }
    cli_outbuf_add(b, "\"", 1);
}

int cli_outbuf_write(const cli_outbuf *b, const char *path, char *msg, size_t msg_len)
{
    char *tmp;
    size_t pl;
    int fd;
    FILE *f;
    if (b->failed) {
        snprintf(msg, msg_len, "out of memory building the output");
        return -1;
    }
    if (!path || !strcmp(path, "-")) {
        if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
            snprintf(msg, msg_len, "stdout: write failed");
            return -1;
        }
        return fflush(stdout) ? (snprintf(msg, msg_len, "stdout: write failed"), -1) : 0;
    }
    pl = strlen(path);
    tmp = malloc(pl + 16);
    if (!tmp) {
        snprintf(msg, msg_len, "out of memory");
        return -1;
    }
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(msg, msg_len, "%s: cannot create (%s)", path, strerror(errno));
        free(tmp);
        return -1;
    }
    {
        mode_t um = umask(0);
        umask(um);
        (void)fchmod(fd, 0666 & ~um); /* as fopen would have created it */
    }
    f = fdopen(fd, "wb");
    if (!f || (b->len && fwrite(b->data, 1, b->len, f) != b->len) || fflush(f) || fsync(fileno(f))) {
        snprintf(msg, msg_len, "%s: write failed (%s)", path, strerror(errno));
        if (f) fclose(f);
        else close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (fclose(f) || rename(tmp, path)) {
        snprintf(msg, msg_len, "%s: cannot write (%s)", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
