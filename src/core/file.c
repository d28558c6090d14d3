/* src/core/file.c: reading small files whole, writing files atomically, and path helpers.
 * Writers never leave a half-written file behind: data goes to a temporary in the same
 * directory and is renamed into place only after it is complete. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"

sea_status sea__read_file(char **out, size_t *out_len, const char *path, size_t max_bytes,
                          sea_err *err)
{
    struct stat st;
    char *buf;
    size_t got = 0;
    /* O_NONBLOCK: opening a FIFO must not block; it is refused below as not a regular file */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    *out = NULL;
    if (out_len) *out_len = 0;
    if (fd < 0) return sea__err(err, SEA_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return sea__err(err, SEA_ERR_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return sea__err(err, SEA_ERR_IO, "%s: not a regular file", path);
    }
    {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    if ((uint64_t)st.st_size > (uint64_t)max_bytes) {
        close(fd);
        return sea__err(err, SEA_ERR_LIMIT, "%s: file is %lld bytes, larger than the limit of %zu",
                        path, (long long)st.st_size, max_bytes);
    }
    buf = sea__malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return sea__err(err, SEA_ERR_NOMEM, "%s: out of memory reading %lld bytes", path,
                        (long long)st.st_size);
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            sea__free(buf);
            close(fd);
            return sea__err(err, SEA_ERR_IO, "%s: read failed: %s", path,
                            n == 0 ? "file shrank while reading" : strerror(e));
        }
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *out = buf;
    if (out_len) *out_len = got;
    return SEA_OK;
}

sea_status sea__afile_open(sea_afile *f, const char *path, sea_err *err)
{
    size_t plen = strlen(path);
    f->fd = -1;
    f->path = sea__strdup(path);
    f->tmp = sea__malloc(plen + 16);
    if (!f->path || !f->tmp) {
        sea__free(f->path);
        sea__free(f->tmp);
        f->path = f->tmp = NULL;
        return sea__err_nomem(err, "a file name");
    }
    memcpy(f->tmp, path, plen);
    memcpy(f->tmp + plen, ".tmp-XXXXXX", 12);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        int e = errno;
        sea__free(f->path);
        sea__free(f->tmp);
        f->path = f->tmp = NULL;
        return sea__err(err, SEA_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    return SEA_OK;
}

void sea__afile_abort(sea_afile *f)
{
    if (f->fd >= 0) close(f->fd);
    if (f->tmp) unlink(f->tmp);
    sea__free(f->tmp);
    sea__free(f->path);
    f->fd = -1;
    f->tmp = f->path = NULL;
}

sea_status sea__afile_write(sea_afile *f, const void *data, size_t len, sea_err *err)
{
    const unsigned char *p = data;
    size_t done = 0;
    while (done < len) {
        size_t chunk = SEA_MIN(len - done, (size_t)1 << 30);
        ssize_t n = write(f->fd, p + done, chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            sea_status st = sea__err(err, SEA_ERR_IO, "%s: write failed: %s", f->path,
                                     n == 0 ? "no progress" : strerror(e));
            sea__afile_abort(f);
            return st;
        }
        done += (size_t)n;
    }
    return SEA_OK;
}

sea_status sea__afile_commit(sea_afile *f, sea_err *err)
{
    int fd = f->fd;
    f->fd = -1;
    if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
        int e = errno;
        sea_status st = sea__err(err, SEA_ERR_IO, "%s: write failed: %s", f->path, strerror(e));
        sea__afile_abort(f);
        return st;
    }
    if (rename(f->tmp, f->path) != 0) {
        int e = errno;
        sea_status st = sea__err(err, SEA_ERR_IO, "%s: cannot rename into place: %s", f->path, strerror(e));
        sea__afile_abort(f);
        return st;
    }
    sea__free(f->tmp);
    sea__free(f->path);
    f->tmp = f->path = NULL;
    return SEA_OK;
}

sea_status sea__write_file_atomic(const char *path, const void *data, size_t len, sea_err *err)
{
    sea_afile f;
    sea_status st = sea__afile_open(&f, path, err);
    if (st != SEA_OK) return st;
    if ((st = sea__afile_write(&f, data, len, err)) != SEA_OK) return st;
    return sea__afile_commit(&f, err);
}

char *sea__path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = (a > 0 && dir[a - 1] != '/');
    char *p = sea__malloc(a + (size_t)slash + b + 1);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a] = '/';
    memcpy(p + a + (size_t)slash, name, b + 1);
    return p;
}

const char *sea__basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int sea__is_plain_filename(const char *name, size_t len)
{
    if (len == 0 || len > 255) return 0;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || c == ':') return 0;
    }
    return 1;
}

int sea__file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- the public names (sea/core.h) ---- */
sea_status sea_read_file(char **out, size_t *out_len, const char *path, size_t max_bytes, sea_err *err)
{
    return sea__read_file(out, out_len, path, max_bytes, err);
}

sea_status sea_write_file_atomic(const char *path, const void *data, size_t len, sea_err *err)
{
    return sea__write_file_atomic(path, data, len, err);
}
