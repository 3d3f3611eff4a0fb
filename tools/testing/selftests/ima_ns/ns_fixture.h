/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "ns" fixture of the IMA namespace selftests: each test runs in a
 * mount namespace of its own, registered for it, with its files in a
 * directory of the shared /tmp that the host and other namespaces reach.
 */

#ifndef _SELFTESTS_IMA_NS_FIXTURE_H
#define _SELFTESTS_IMA_NS_FIXTURE_H

#include "../kselftest_harness.h"
#include "common.h"

#define CONTENT		"hello, namespaced IMA\n"
#define RULE_NS		"appraise fsmagic=" TMPFS_MAGIC_STR " fowner=71452\n"

/* Creates @path with CONTENT, owner OWNER_NS and a good or bad hash. */
static inline int make_appraised(const char *path, bool good)
{
	int err = make_file(path, CONTENT, strlen(CONTENT), OWNER_NS, 0644);

	return err ? err : set_ima_hash(path, CONTENT, strlen(CONTENT),
					IMA_ALGO_SHA256, !good);
}

/* For run_child(): gives @path a well-formed hash of other content. */
static inline int set_bad_hash(void *path)
{
	return -set_ima_hash(path, CONTENT, strlen(CONTENT), IMA_ALGO_SHA256,
			     true);
}

/* For run_child(): removes security.ima of @path; 0 or the errno. */
static inline int remove_hash(void *path)
{
	return removexattr(path, "security.ima") ? errno : 0;
}

/*
 * For run_child(): reads @path with O_DIRECT.  Returns 0 when it read back
 * CONTENT, the errno of the open or read, or 202 for other bytes.
 */
static inline int direct_status(void *path)
{
	char buf[256];
	ssize_t len = read_direct(path, buf, sizeof(buf));

	if (len < 0)
		return -len;
	return strcmp(buf, CONTENT) ? 202 : 0;
}

/* Removes the files of the test directory @dir, then @dir. */
static inline void remove_test_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir,
					 e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
}

FIXTURE(ns) {
	char dir[64];
	char file[96];
	unsigned int nsid;
	int host_ns;
	int ns_fd;
	int kmsg;
};

FIXTURE_SETUP(ns)
{
	self->host_ns = -1;
	self->ns_fd = -1;
	self->kmsg = -1;
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");

	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns.%d", getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	self->host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->host_ns);
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid) {
		TH_LOG("cannot register a new namespace: %s", strerror(errno));
	}
	/* Keeps the namespace alive when a test moves on to a child one. */
	self->ns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_fd);
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN_PARENT(ns)
{
	char path[64];

	if (!self->nsid)
		return;
	/* The test's namespace died with it: its directory must be gone. */
	snprintf(path, sizeof(path), IMA_DIR "/%u", self->nsid);
	EXPECT_EQ(-1, access(path, F_OK));
	remove_test_dir(self->dir);
}

#endif /* _SELFTESTS_IMA_NS_FIXTURE_H */
