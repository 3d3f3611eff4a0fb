/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the IMA namespace policy selftests.
 */

#ifndef _SELFTESTS_IMA_NS_COMMON_H
#define _SELFTESTS_IMA_NS_COMMON_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_alg.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define IMA_DIR		"/sys/kernel/security/ima"
#define IMA_NAMESPACES	IMA_DIR "/namespaces"
#define TMPFS_MAGIC_STR	"0x01021994"
#define EXT4_MAGIC_STR	"0xef53"
#define OVL_MAGIC_STR	"0x794c7630"

/* Owners that the tests' rules select; nothing else on the system has them. */
#define OWNER_NS	71452
#define OWNER_GLOBAL	71453
#define OWNER_OTHER	71454

/* security.ima types and hash algorithm ids of the kernel's ABI. */
#define IMA_XATTR_DIGEST_NG	0x04
#define IMA_ALGO_SHA1		0x02
#define IMA_ALGO_SHA256		0x04

#define SHA256_LEN	32
#define SHA1_LEN	20

/* Returns 0 and fills @digest, or -errno. */
static inline int kernel_digest(const char *alg, const void *data, size_t len,
				unsigned char *digest, size_t digest_len)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "hash" };
	int tfm, op, err = 0;

	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", alg);
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		return -errno;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out_tfm;
	}
	op = accept(tfm, NULL, 0);
	if (op < 0) {
		err = -errno;
		goto out_tfm;
	}
	if (write(op, data, len) != (ssize_t)len ||
	    read(op, digest, digest_len) != (ssize_t)digest_len)
		err = -EIO;
	close(op);
out_tfm:
	close(tfm);
	return err;
}

/* Writes @len bytes to a new file @path owned by @owner; returns -errno. */
static inline int make_file(const char *path, const void *data, size_t len,
			    uid_t owner, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	if (chown(path, owner, owner) || chmod(path, mode))
		return -errno;
	return 0;
}

/*
 * Sets security.ima of @path to type 0x04, algorithm @algo and the digest of
 * @data; @corrupt flips a digest bit first.  Returns 0 or -errno.
 */
static inline int set_ima_hash(const char *path, const void *data, size_t len,
			       int algo, bool corrupt)
{
	unsigned char xattr[2 + SHA256_LEN];
	size_t dlen = algo == IMA_ALGO_SHA1 ? SHA1_LEN : SHA256_LEN;
	int err;

	xattr[0] = IMA_XATTR_DIGEST_NG;
	xattr[1] = algo;
	err = kernel_digest(algo == IMA_ALGO_SHA1 ? "sha1" : "sha256", data,
			    len, xattr + 2, dlen);
	if (err)
		return err;
	if (corrupt)
		xattr[2] ^= 1;
	return setxattr(path, "security.ima", xattr, 2 + dlen, 0) ? -errno : 0;
}

/* Opens @path read-only and closes it; returns 0 or -errno. */
static inline int try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Writes @s to @path (one write call); returns the write's result or -errno. */
static inline ssize_t write_file(const char *path, const char *s, size_t len)
{
	ssize_t ret;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	ret = write(fd, s, len);
	if (ret < 0)
		ret = -errno;
	if (close(fd) && ret >= 0)
		ret = -errno;
	return ret;
}

/* Reads up to @size - 1 bytes of @path into @buf; returns length or -errno. */
static inline ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t len, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((len = read(fd, buf + total, size - 1 - total)) > 0)
		total += len;
	close(fd);
	if (len < 0)
		return -errno;
	buf[total] = '\0';
	return total;
}

/*
 * Reads up to @size - 1 bytes of @path into @out with O_DIRECT, through an
 * aligned buffer; returns the length read or -errno.
 */
static inline ssize_t read_direct(const char *path, char *out, size_t size)
{
	ssize_t len;
	void *buf;
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (posix_memalign(&buf, 4096, 4096)) {
		close(fd);
		return -ENOMEM;
	}
	len = read(fd, buf, 4096);
	if (len < 0) {
		len = -errno;
	} else {
		if ((size_t)len >= size)
			len = size - 1;
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	free(buf);
	close(fd);
	return len;
}

static inline unsigned int ns_inum(const char *ns_path)
{
	struct stat st;

	return stat(ns_path, &st) ? 0 : (unsigned int)st.st_ino;
}

static inline unsigned int current_mnt_ns(void)
{
	return ns_inum("/proc/self/ns/mnt");
}

/*
 * Whether the kernel runs with ima_appraise=@mode: the last ima_appraise=
 * on the command line is the one in force.
 */
static inline bool ima_appraise_mode_is(const char *mode)
{
	char cmdline[4096], *tok, *save, *last = NULL;

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		return false;
	for (tok = strtok_r(cmdline, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strncmp(tok, "ima_appraise=", 13))
			last = tok + 13;
	return last && !strcmp(last, mode);
}

static inline bool ima_ns_available(void)
{
	return !access(IMA_NAMESPACES, F_OK) && ima_appraise_mode_is("enforce_ns");
}

/* Registers namespace @nsid; returns 0 or -errno. */
/* Writes @s to ima/namespaces in one write(2); returns 0 or -errno. */
static inline int write_namespaces(const char *s)
{
	ssize_t ret = write_file(IMA_NAMESPACES, s, strlen(s));

	return ret < 0 ? ret : 0;
}

static inline int register_ns(unsigned int nsid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%u\n", nsid);
	return write_namespaces(buf);
}

static inline void policy_path(unsigned int nsid, char *buf, size_t size)
{
	snprintf(buf, size, IMA_DIR "/%u/policy", nsid);
}

/*
 * Loads @rules ('\n'-separated) into the policy file @path with one open
 * and one write per line, as the global policy file wants.  Returns 0 or
 * the first -errno, including the one reported at close.
 */
static inline int load_rules(const char *path, const char *rules)
{
	const char *p = rules;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (*p && !err) {
		size_t len = strcspn(p, "\n");
		ssize_t ret;

		if (p[len] == '\n')
			len++;
		ret = write(fd, p, len);
		if (ret < 0)
			err = -errno;
		else if ((size_t)ret != len)
			err = -EIO;
		p += len;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* Loads @rules into the policy of namespace @nsid; see load_rules(). */
static inline int load_policy(unsigned int nsid, const char *rules)
{
	char path[128];

	policy_path(nsid, path, sizeof(path));
	return load_rules(path, rules);
}

/*
 * The number of namespace policies in force: the "mntns:<id>" directories
 * in ima/, and the "<nsid>" links of older kernels.
 */
static inline int registered_ns_dirs(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(IMA_DIR);

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if ((e->d_name[0] >= '1' && e->d_name[0] <= '9') ||
		    !strncmp(e->d_name, "mntns:", 6))
			n++;
	closedir(d);
	return n;
}

/*
 * Waits until no namespace policy is left: every registered namespace's
 * directory is gone, and the policies were freed.  That happens after an
 * RCU grace period, in a work item, which nothing shows to userspace: a
 * second is plenty after a few hundred namespaces, not after the stress
 * and fuzz programs' many thousands.  Only namespaces that were registered
 * are seen, so the caller must not keep an unregistered copy of one alive.
 * Returns 0, or -1 if a directory stayed for 5 s.
 */
static inline int wait_no_ns_policy(void)
{
	int i;

	for (i = 0; registered_ns_dirs() != 0; i++) {
		if (i == 500)
			return -1;
		usleep(10000);
	}
	sleep(1);
	return 0;
}

/* Creates a mount namespace for the calling process and registers it. */
static inline unsigned int enter_registered_ns(void)
{
	if (unshare(CLONE_NEWNS))
		return 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 0;
	int err = register_ns(current_mnt_ns());

	if (err) {
		errno = -err;
		return 0;
	}
	return current_mnt_ns();
}

/*
 * Runs @fn(@arg) in a child process and returns its exit status, or -1.
 * A child that dies of a signal reports 128 + the signal.
 */
static inline int run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

struct host_args {
	int host_ns;
	int (*fn)(void *arg);
	void *arg;
};

static inline int host_trampoline(void *data)
{
	struct host_args *h = data;

	if (setns(h->host_ns, CLONE_NEWNS))
		return 100;
	return h->fn(h->arg);
}

/*
 * Runs @fn(@arg) in a child that has moved back to the host namespace
 * @host_ns, where no namespace policy governs it, and returns its status.
 */
static inline int as_host(int host_ns, int (*fn)(void *), void *arg)
{
	struct host_args h = { host_ns, fn, arg };

	return run_child(host_trampoline, &h);
}

/* For run_child(): the errno of opening @path read-only, or 0. */
static inline int open_status(void *path)
{
	return -try_open(path);
}

/* For run_child(): the errno of opening @path in a copy of the namespace. */
static inline int unshare_and_open(void *path)
{
	if (unshare(CLONE_NEWNS))
		return 100;
	return -try_open(path);
}

/* Drops CAP_SYS_ADMIN for good; returns 0 or -1. */
static inline int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	/* Not effective, permitted, inheritable or in the bounding set. */
	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) ||
	    syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	data[0].permitted &= ~(1U << CAP_SYS_ADMIN);
	data[0].inheritable &= ~(1U << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data);
}

/* For run_child(): appends one byte to @path; 0 or a step number. */
static inline int append_byte(void *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (write(fd, "x", 1) != 1)
		return 2;
	close(fd);
	return 0;
}

/*
 * Audit records reach /dev/kmsg through kauditd when no audit daemon
 * runs.  A reader opened before an action sees only later records.
 */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Waits up to 5 s for @path to exist (@exist) or not; true if it did. */
static inline bool wait_path(const char *path, bool exist)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (!access(path, F_OK) == exist)
			return true;
		usleep(10000);
	}
	return false;
}

/* Whether the record @rec contains @needle anywhere. */
static inline bool kmsg_has(const char *rec, const char *needle)
{
	return strstr(rec, needle);
}

/*
 * Whether @rec has the field @field ("key=value"), delimited: a blank, a
 * ';' or the start before, a blank, a newline or the end after.
 */
static inline bool kmsg_has_field(const char *rec, const char *field)
{
	size_t len = strlen(field);
	const char *p;

	for (p = strstr(rec, field); p; p = strstr(p + 1, field))
		if ((p == rec || p[-1] == ' ' || p[-1] == ';') &&
		    (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/*
 * Counts records read from @fd within @wait_ms that @match finds every
 * string of the NULL-terminated @needles in; the last match is copied to
 * @last.
 */
static inline int kmsg_count_match(int fd, const char *const *needles,
				   bool (*match)(const char *, const char *),
				   int wait_ms, char *last, size_t last_size)
{
	struct timespec start, now;
	char rec[8192];
	int found = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);
		const char *const *n;

		if (len < 0) {
			if (errno == EPIPE)
				continue;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - start.tv_sec) * 1000 +
			    (now.tv_nsec - start.tv_nsec) / 1000000 > wait_ms)
				return found;
			usleep(20000);
			continue;
		}
		rec[len] = '\0';
		for (n = needles; *n && match(rec, *n); n++)
			;
		if (*n)
			continue;
		found++;
		if (last && last_size) {
			size_t n = strlen(rec) < last_size ? strlen(rec) :
							     last_size - 1;

			memcpy(last, rec, n);
			last[n] = '\0';
		}
	}
}

/*
 * Counts records read from @fd within @wait_ms that contain every string
 * of the NULL-terminated @needles; the last match is copied to @last.
 */
static inline int kmsg_count(int fd, const char *const *needles, int wait_ms,
			     char *last, size_t last_size)
{
	return kmsg_count_match(fd, needles, kmsg_has, wait_ms, last,
				last_size);
}

#endif /* _SELFTESTS_IMA_NS_COMMON_H */
