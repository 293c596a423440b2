/*
 * The power-loss recorder: an LD_PRELOAD shim that logs every write, truncate, unlink and
 * sync barrier a process makes on one SQLite database's files (the database, its -wal and its
 * -journal), with the bytes written and a CLOCK_MONOTONIC timestamp, so that the files as a
 * power cut would leave them can be rebuilt at any point of the run (load/powerloss/image.ts).
 *
 * The -shm file is not logged: it is memory-mapped, and SQLite rebuilds it from the WAL after
 * a crash. Everything else passes through untouched: the shim only watches.
 *
 *   POWERLOSS_DB   absolute path of the database file (its -wal and -journal are watched too)
 *   POWERLOSS_LOG  where the log goes (created if missing, appended to)
 *
 * Log: a sequence of records, little-endian, each a 32-byte header and, for writes, the data:
 *   u8 type, u8 file, u16 0, u32 length, u64 offset, u64 monotonic ns, u64 sequence
 * type 1 write (length bytes at offset), 2 sync (fsync/fdatasync), 3 truncate (offset =
 * the new size), 4 unlink, 5 create (the file did not exist before this open), 6 directory
 * sync (fsync of the database's directory). file 0 the database, 1 -wal, 2 -journal, 255 the
 * directory.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { EV_WRITE = 1, EV_SYNC = 2, EV_TRUNCATE = 3, EV_UNLINK = 4, EV_CREATE = 5, EV_DIRSYNC = 6 };
enum { F_DB = 0, F_WAL = 1, F_JOURNAL = 2, F_DIR = 255, F_NONE = -1 };

#define MAX_FD 65536
/* The watched file of each descriptor, plus one (0: not watched; zero-initialised, so safe before init). */
static unsigned short fd_file[MAX_FD];
static char db_path[4096];
static char wal_path[4112];
static char journal_path[4112];
static char dir_path[4096];
static int log_fd = -1;
static uint64_t seq = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static off_t (*real_lseek)(int, off_t, int);

static void resolve(void) {
  if (real_write) return;
  real_open = dlsym(RTLD_NEXT, "open");
  real_open64 = dlsym(RTLD_NEXT, "open64");
  real_openat = dlsym(RTLD_NEXT, "openat");
  real_openat64 = dlsym(RTLD_NEXT, "openat64");
  real_close = dlsym(RTLD_NEXT, "close");
  real_pwrite = dlsym(RTLD_NEXT, "pwrite");
  real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
  real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
  real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
  real_fsync = dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
  real_unlink = dlsym(RTLD_NEXT, "unlink");
  real_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
  real_lseek = dlsym(RTLD_NEXT, "lseek");
  real_write = dlsym(RTLD_NEXT, "write");
}

__attribute__((constructor)) static void init(void) {
  resolve();
  const char *db = getenv("POWERLOSS_DB");
  const char *log = getenv("POWERLOSS_LOG");
  if (!db || !log || strlen(db) >= sizeof(db_path) - 16) return;
  snprintf(db_path, sizeof(db_path), "%s", db);
  snprintf(wal_path, sizeof(wal_path), "%s-wal", db);
  snprintf(journal_path, sizeof(journal_path), "%s-journal", db);
  snprintf(dir_path, sizeof(dir_path), "%s", db);
  char *slash = strrchr(dir_path, '/');
  if (slash && slash != dir_path) *slash = 0;
  /* Appended, never truncated: a child process that inherits the environment must not wipe the
     log mid-run (the caller removes an old log before it starts the process). */
  log_fd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

static int file_of(const char *path) {
  if (log_fd < 0 || !path) return F_NONE;
  if (strcmp(path, db_path) == 0) return F_DB;
  if (strcmp(path, wal_path) == 0) return F_WAL;
  if (strcmp(path, journal_path) == 0) return F_JOURNAL;
  if (strcmp(path, dir_path) == 0) return F_DIR;
  return F_NONE;
}

static void put_all(const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = real_write(log_fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

/* One record, whole, under the lock: the log's order is the order the calls returned in. */
static void record(int type, int file, uint64_t offset, const void *data, uint32_t len) {
  if (log_fd < 0) return;
  unsigned char h[32];
  memset(h, 0, sizeof(h));
  h[0] = (unsigned char)type;
  h[1] = (unsigned char)file;
  int saved = errno;
  pthread_mutex_lock(&lock);
  /* Time and sequence under the lock: the log's order is its time order too. */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
  uint64_t s = seq++;
  memcpy(h + 4, &len, 4);
  memcpy(h + 8, &offset, 8);
  memcpy(h + 16, &ns, 8);
  memcpy(h + 24, &s, 8);
  put_all(h, sizeof(h));
  if (type == EV_WRITE && len > 0) put_all(data, len);
  pthread_mutex_unlock(&lock);
  errno = saved;
}

static int tracked(int fd) { return fd >= 0 && fd < MAX_FD ? (int)fd_file[fd] - 1 : F_NONE; }

static int after_open(const char *path, int flags, int existed, int fd) {
  int f = file_of(path);
  if (fd < 0 || fd >= MAX_FD || f == F_NONE) return fd;
  fd_file[fd] = (unsigned short)(f + 1);
  if (f != F_DIR) {
    if (!existed) record(EV_CREATE, f, 0, NULL, 0);
    else if (flags & O_TRUNC) record(EV_TRUNCATE, f, 0, NULL, 0);
  }
  return fd;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

#define OPEN_BODY(call)                                                   \
  mode_t mode = 0;                                                        \
  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {           \
    va_list ap;                                                           \
    va_start(ap, flags);                                                  \
    mode = (mode_t)va_arg(ap, int);                                       \
    va_end(ap);                                                           \
  }                                                                       \
  resolve();                                                              \
  int watched = file_of(path) != F_NONE;                                  \
  int existed = watched ? exists(path) : 1;                               \
  int fd = call;                                                          \
  return watched ? after_open(path, flags, existed, fd) : fd;

int open(const char *path, int flags, ...) { OPEN_BODY(real_open(path, flags, mode)) }
int open64(const char *path, int flags, ...) { OPEN_BODY(real_open64(path, flags, mode)) }
int openat(int dirfd, const char *path, int flags, ...) { OPEN_BODY(real_openat(dirfd, path, flags, mode)) }
int openat64(int dirfd, const char *path, int flags, ...) { OPEN_BODY(real_openat64(dirfd, path, flags, mode)) }

int close(int fd) {
  resolve();
  if (fd >= 0 && fd < MAX_FD) fd_file[fd] = 0;
  return real_close(fd);
}

ssize_t write(int fd, const void *buf, size_t n) {
  resolve();
  int f = tracked(fd);
  if (f == F_NONE || f == F_DIR) return real_write(fd, buf, n);
  ssize_t w = real_write(fd, buf, n);
  /* The offset from the position after the write: right for O_APPEND too. */
  if (w > 0) {
    int saved = errno;
    off_t end = real_lseek(fd, 0, SEEK_CUR);
    errno = saved;
    if (end >= w) record(EV_WRITE, f, (uint64_t)(end - w), buf, (uint32_t)w);
  }
  return w;
}

static ssize_t pwrite_common(ssize_t (*fn)(int, const void *, size_t, off_t), int fd, const void *buf, size_t n,
                             off_t off) {
  resolve();
  ssize_t w = fn(fd, buf, n, off);
  int f = tracked(fd);
  if (w > 0 && f != F_NONE && f != F_DIR) record(EV_WRITE, f, (uint64_t)off, buf, (uint32_t)w);
  return w;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) { return pwrite_common(real_pwrite, fd, buf, n, off); }
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
  return pwrite_common(real_pwrite64, fd, buf, n, off);
}

static int truncate_common(int (*fn)(int, off_t), int fd, off_t size) {
  resolve();
  int r = fn(fd, size);
  int f = tracked(fd);
  if (r == 0 && f != F_NONE && f != F_DIR) record(EV_TRUNCATE, f, (uint64_t)size, NULL, 0);
  return r;
}

int ftruncate(int fd, off_t size) { return truncate_common(real_ftruncate, fd, size); }
int ftruncate64(int fd, off_t size) { return truncate_common(real_ftruncate64, fd, size); }

static int sync_common(int (*fn)(int), int fd) {
  resolve();
  int r = fn(fd);
  int f = tracked(fd);
  /* The barrier holds once the call has returned: logged after, so it is ordered before any answer sent after it. */
  if (r == 0 && f != F_NONE) record(f == F_DIR ? EV_DIRSYNC : EV_SYNC, f, 0, NULL, 0);
  return r;
}

int fsync(int fd) { return sync_common(real_fsync, fd); }
int fdatasync(int fd) { return sync_common(real_fdatasync, fd); }

int unlink(const char *path) {
  resolve();
  int f = file_of(path);
  int r = real_unlink(path);
  if (r == 0 && f != F_NONE && f != F_DIR) record(EV_UNLINK, f, 0, NULL, 0);
  return r;
}

int unlinkat(int dirfd, const char *path, int flags) {
  resolve();
  int f = file_of(path);
  int r = real_unlinkat(dirfd, path, flags);
  if (r == 0 && f != F_NONE && f != F_DIR) record(EV_UNLINK, f, 0, NULL, 0);
  return r;
}
