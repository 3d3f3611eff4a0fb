/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "ns" and "fs" fixtures of the IMA namespace selftests: each test
 * runs in a mount namespace of its own, registered for it, with its files
 * in a directory that the host and other namespaces reach: of the shared
 * /tmp for "ns", of the variant's file system for "fs".
 */

#ifndef _SELFTESTS_IMA_NS_FIXTURE_H
#define _SELFTESTS_IMA_NS_FIXTURE_H

#include <sys/vfs.h>
#include <linux/magic.h>

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

/* Returns 0 when security.ima of @path is the sha256 hash of @data. */
static inline int expect_hash_of(const char *path, const char *data)
{
	unsigned char want[2 + SHA256_LEN], got[2 + SHA256_LEN + 8];
	ssize_t len;
	int err;

	want[0] = IMA_XATTR_DIGEST_NG;
	want[1] = IMA_ALGO_SHA256;
	err = kernel_digest("sha256", data, strlen(data), want + 2,
			    SHA256_LEN);
	if (err)
		return err;
	len = getxattr(path, "security.ima", got, sizeof(got));
	if (len < 0)
		return -errno;
	return len == sizeof(want) && !memcmp(got, want, len) ? 0 : -EBADMSG;
}

/* Forks, execs @path and returns its exit status, or 100 + the errno. */
static inline int exec_status(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(path, argv, NULL);
		_exit(100 + errno);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Maps @path executable; returns 0 or the errno of the open or mmap. */
static inline int map_exec(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;
	int err = 0;

	if (fd < 0)
		return errno;
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		err = errno;
	else
		munmap(p, 4096);
	close(fd);
	return err;
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

/*
 * Removes what the test directory @dir holds, directories too (overlayfs
 * leaves one in its work directory), then @dir.
 */
static inline void remove_test_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' ||
			    snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) >= (int)sizeof(path))
				continue;
			if (unlink(path) && errno == EISDIR)
				remove_test_dir(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/*
 * The setup that FIXTURE(fs) and FIXTURE(ns) share, once the test's
 * directory is ready: the test's process moves to a mount namespace of
 * its own and registers it.  *@host_ns keeps the namespace it came from,
 * *@ns_fd the test's namespace, and *@kmsg reads the kernel log from here.
 */
static inline void enter_test_ns(struct __test_metadata *_metadata,
				 unsigned int *nsid, int *host_ns, int *ns_fd,
				 int *kmsg)
{
	*host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, *host_ns);
	*nsid = enter_registered_ns();
	ASSERT_NE(0, *nsid) {
		TH_LOG("cannot register a new namespace: %s", strerror(errno));
	}
	/* Keeps the namespace alive when a test moves on to a child one. */
	*ns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, *ns_fd);
	*kmsg = kmsg_open();
	ASSERT_LE(0, *kmsg);
}

/* For a teardown: the test's namespace died with it, and its policy. */
static inline void expect_ns_freed(struct __test_metadata *_metadata,
				   unsigned int nsid)
{
	char path[64];

	snprintf(path, sizeof(path), IMA_DIR "/%u", nsid);
	EXPECT_EQ(-1, access(path, F_OK));
}

/*
 * The "fs" fixture: the namespace of the "ns" one, with the test's files
 * on the file system of the variant: tmpfs, ext4, or an overlay of a
 * tmpfs upper layer on an ext4 lower one.  A test makes its files in
 * src_dir (src is src_dir/file) and uses them through dir (file is
 * dir/file).  Those are one directory, but for the overlay: there
 * src_dir is the lower layer, where a container image's hashed files
 * are, and dir the merged directory.  The overlay is mounted in the
 * host's namespace before the test's is copied from it.
 *
 * FIXTURE(fs) comes before FIXTURE(ns), so that the harness runs the "fs"
 * tests of every variant before any "ns" one: the last "ns" test of
 * ima_ns_test loads a global rule, and some "fs" tests need a boot in
 * which none was loaded yet.
 */
#define FS_DISK		"/mnt/disk"
#define FS_DISK_TESTS	FS_DISK "/tests"

enum fs_layout {
	FS_LAYOUT_TMPFS,	/* a directory of /tmp */
	FS_LAYOUT_EXT4,		/* a directory of the ext4 disk */
	FS_LAYOUT_OVERLAY,	/* an overlay: ext4 lower, tmpfs upper */
};

FIXTURE(fs) {
	char dir[64];		/* where the test uses its files */
	char file[96];		/* dir/file */
	char src_dir[64];	/* where it makes them: the lower layer */
	char src[96];		/* src_dir/file */
	char magic[16];		/* the fsmagic= of dir's file system */
	char rule[128];		/* appraise fsmagic=<magic> fowner=71452 */
	char rule_buf[256];	/* fs_rule()'s */
	char backing[112];	/* file as the host reaches its content */
	bool overlay;
	unsigned int nsid;
	int host_ns;
	int ns_fd;
	int kmsg;
};

FIXTURE_VARIANT(fs) {
	const char *name;
	const char *magic;	/* the file system's magic, for fsmagic= */
	enum fs_layout layout;
};

FIXTURE_VARIANT_ADD(fs, tmpfs) {
	.name = "tmpfs",
	.magic = TMPFS_MAGIC_STR,
	.layout = FS_LAYOUT_TMPFS,
};

FIXTURE_VARIANT_ADD(fs, ext4) {
	.name = "ext4",
	.magic = EXT4_MAGIC_STR,
	.layout = FS_LAYOUT_EXT4,
};

FIXTURE_VARIANT_ADD(fs, overlay) {
	.name = "overlayfs",
	.magic = OVL_MAGIC_STR,
	.layout = FS_LAYOUT_OVERLAY,
};

/* True when FS_DISK is an ext4 file system, as the test VM mounts it. */
static inline bool fs_disk_is_ext4(void)
{
	struct statfs sfs;

	return !statfs(FS_DISK, &sfs) && sfs.f_type == EXT4_SUPER_MAGIC;
}

/*
 * Makes the lower layer @lower, @merged, and next to it the upper layer
 * @merged.upper and the work directory @merged.work, then mounts the
 * overlay on @merged, with the mount options @extra (may be NULL) too.
 * Returns 0 or -errno.
 */
static inline int mount_test_overlay(const char *lower, const char *merged,
				     const char *extra)
{
	char upper[80], work[80], opts[320];

	snprintf(upper, sizeof(upper), "%s.upper", merged);
	snprintf(work, sizeof(work), "%s.work", merged);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s%s%s",
		 lower, upper, work, extra ? "," : "", extra ?: "");
	if (mkdir(lower, 0755) || mkdir(upper, 0755) || mkdir(work, 0755) ||
	    mkdir(merged, 0755))
		return -errno;
	return mount("overlay", merged, "overlay", 0, opts) ? -errno : 0;
}

/* Unmounts and removes what FIXTURE_SETUP(fs) made; some may be missing. */
static inline void remove_fs_test_dirs(const char *dir, const char *src_dir,
				       bool overlay)
{
	char path[80];

	if (overlay) {
		umount2(dir, MNT_DETACH);
		snprintf(path, sizeof(path), "%s.upper", dir);
		remove_test_dir(path);
		snprintf(path, sizeof(path), "%s.work", dir);
		remove_test_dir(path);
		remove_test_dir(src_dir);
	}
	remove_test_dir(dir);
}

FIXTURE_SETUP(fs)
{
	bool overlay = variant->layout == FS_LAYOUT_OVERLAY;
	int err = 0;

	self->host_ns = -1;
	self->ns_fd = -1;
	self->kmsg = -1;
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	if (variant->layout != FS_LAYOUT_TMPFS && !fs_disk_is_ext4())
		SKIP(return, "%s: needs an ext4 file system mounted on " FS_DISK,
		     variant->name);

	snprintf(self->magic, sizeof(self->magic), "%s", variant->magic);
	snprintf(self->rule, sizeof(self->rule),
		 "appraise fsmagic=%s fowner=%u\n", self->magic, OWNER_NS);
	if (variant->layout == FS_LAYOUT_EXT4)
		snprintf(self->dir, sizeof(self->dir),
			 FS_DISK_TESTS "/ima_ns.%d", getpid());
	else
		snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns.%d",
			 getpid());
	if (overlay)
		snprintf(self->src_dir, sizeof(self->src_dir),
			 FS_DISK_TESTS "/ima_ns.%d.lower", getpid());
	else
		snprintf(self->src_dir, sizeof(self->src_dir), "%s",
			 self->dir);
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	snprintf(self->src, sizeof(self->src), "%s/file", self->src_dir);
	/* On overlayfs, once copied up: the upper file, behind the overlay. */
	self->overlay = overlay;
	snprintf(self->backing, sizeof(self->backing),
		 overlay ? "%s.upper/file" : "%s/file", self->dir);

	if (overlay) {
		err = mount_test_overlay(self->src_dir, self->dir, NULL);
		if (err)
			remove_fs_test_dirs(self->dir, self->src_dir, true);
		if (err == -ENODEV)
			SKIP(return, "%s: needs CONFIG_OVERLAY_FS",
			     variant->name);
	} else if (mkdir(self->dir, 0755)) {
		err = -errno;
	}
	ASSERT_EQ(0, err) {
		TH_LOG("%s: cannot make %s: %s", variant->name, self->dir,
		       strerror(-err));
	}
	enter_test_ns(_metadata, &self->nsid, &self->host_ns, &self->ns_fd,
		      &self->kmsg);
}

FIXTURE_TEARDOWN_PARENT(fs)
{
	expect_ns_freed(_metadata, self->nsid);
	remove_fs_test_dirs(self->dir, self->src_dir,
			    variant->layout == FS_LAYOUT_OVERLAY);
}

/*
 * Returns "<action> <extra> fsmagic=<magic> fowner=<owner>\n", for the
 * file system of the variant, in a buffer of @self that the next call
 * reuses.  @extra holds more conditions, or is empty.
 */
static inline const char *fs_rule_action(FIXTURE_DATA(fs) * self,
					 const char *action, const char *extra,
					 uid_t owner)
{
	snprintf(self->rule_buf, sizeof(self->rule_buf),
		 "%s %s%sfsmagic=%s fowner=%u\n", action, extra,
		 *extra ? " " : "", self->magic, owner);
	return self->rule_buf;
}

/* fs_rule_action() of an appraise rule. */
static inline const char *fs_rule_owner(FIXTURE_DATA(fs) * self,
					const char *extra, uid_t owner)
{
	return fs_rule_action(self, "appraise", extra, owner);
}

/*
 * On overlayfs, has the test's process, an appraised writer under the
 * loaded rule, copy self->file up, so that self->backing holds its content
 * and the host can change it behind the overlay; elsewhere does nothing.
 * Returns 0 or -errno.
 */
static inline int fs_copy_up(FIXTURE_DATA(fs) * self)
{
	int fd;

	if (!self->overlay)
		return 0;
	fd = open(self->file, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return access(self->backing, F_OK) ? -errno : 0;
}

/* fs_rule_owner() for the owner of self->rule, OWNER_NS. */
static inline const char *fs_rule(FIXTURE_DATA(fs) * self, const char *extra)
{
	return fs_rule_owner(self, extra, OWNER_NS);
}

/*
 * The "ns" fixture: the test's files are in a directory of the shared
 * tmpfs /tmp, for the tests about a policy rather than a file system.
 */
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
	enter_test_ns(_metadata, &self->nsid, &self->host_ns, &self->ns_fd,
		      &self->kmsg);
}

FIXTURE_TEARDOWN_PARENT(ns)
{
	if (!self->nsid)
		return;
	expect_ns_freed(_metadata, self->nsid);
	remove_test_dir(self->dir);
}

#endif /* _SELFTESTS_IMA_NS_FIXTURE_H */
