// SPDX-License-Identifier: GPL-2.0
/*
 * IMA namespace policies: a scope that cannot be left, and a host that
 * never loses sight of a policy in force.
 *
 * setns(2) into a mount namespace that a policy does not govern, by a
 * container root that owns the target; a registration that reaches the
 * namespaces already copied from the registered one; a policy that stays
 * listed, readable and tightenable while it governs a copy that outlived
 * the registered namespace; registration by the 64-bit mount namespace
 * id; and the policy file's open modes and offsets.
 */

#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/mount.h>
#include <linux/nsfs.h>

#include "ns_fixture.h"

#define RULE_OTHER	"appraise fsmagic=" TMPFS_MAGIC_STR " fowner=71454\n"

/* The 64-bit id of the mount namespace behind the nsfs file @path, or 0. */
static __u64 mnt_ns_id_of(const char *path)
{
	__u64 id = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (ioctl(fd, NS_GET_MNTNS_ID, &id))
		id = 0;
	close(fd);
	return id;
}

/*
 * Names /tmp/ima_ns_<tag>.<pid> in @dir and its "file" in @file, and
 * makes both, the file with a hash that does not match; 0 or -errno.
 */
static int make_test_dir(const char *tag, char dir[64], char file[96])
{
	snprintf(dir, 64, "/tmp/ima_ns_%s.%d", tag, getpid());
	snprintf(file, 96, "%s/file", dir);
	if (mkdir(dir, 0755))
		return -errno;
	return make_appraised(file, false);
}

/* A child that runs a setup step, reports, then waits to be released. */
struct holder {
	pid_t pid;
	int release;
};

/*
 * Forks a child that runs @fn(@arg) and, if that returns 0, stays alive
 * until the returned holder is released.  Returns 0, or -1 if @fn failed.
 */
static int hold(struct holder *h, int (*fn)(void *), void *arg)
{
	int ready[2], release[2];
	char c = 1;

	if (pipe(ready) || pipe(release))
		return -1;
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		close(ready[0]);
		close(release[1]);
		c = fn(arg);
		if (write(ready[1], &c, 1) != 1 || c)
			_exit(1);
		/* Until the parent closes its end. */
		_exit(read(release[0], &c, 1) < 0);
	}
	close(ready[1]);
	close(release[0]);
	h->release = release[1];
	if (read(ready[0], &c, 1) != 1)
		c = 1;
	close(ready[0]);
	return c ? -1 : 0;
}

static void release(struct holder *h)
{
	int status;

	if (h->pid <= 0)
		return;
	close(h->release);
	waitpid(h->pid, &status, 0);
	h->pid = 0;
}

static void proc_ns(pid_t pid, const char *type, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/%d/ns/%s", pid, type);
}

/* setns() to the namespace of @type behind nsfs file @path; 0 or -errno. */
static int enter(const char *path, int type)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (setns(fd, type))
		err = -errno;
	close(fd);
	return err;
}

static int write_str(int fd, const char *path, const char *s)
{
	int f = openat(fd, path, O_WRONLY | O_CLOEXEC), err = 0;

	if (f < 0)
		return -errno;
	if (write(f, s, strlen(s)) != (ssize_t)strlen(s))
		err = -errno;
	close(f);
	return err;
}

/* For hold(): a container: root in a user namespace of its own. */
static int become_container(void *unused)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 1;
	if (write_str(AT_FDCWD, "/proc/self/setgroups", "deny") ||
	    write_str(AT_FDCWD, "/proc/self/uid_map", "0 0 1") ||
	    write_str(AT_FDCWD, "/proc/self/gid_map", "0 0 1"))
		return 2;
	return 0;
}

enum sibling_kind { UNGOVERNED, WEAKER, STRICTER };

struct sibling_args {
	pid_t container;
	enum sibling_kind kind;
};

/*
 * For hold(): a sibling of the container's namespace owned by the same
 * user namespace, as a second container of one pod would be.  It is
 * copied from the host's namespace, or, for STRICTER, from the
 * container's.
 */
static int make_sibling(void *data)
{
	struct sibling_args *a = data;
	char path[64];

	proc_ns(a->container, "user", path, sizeof(path));
	if (enter(path, CLONE_NEWUSER))
		return 1;
	if (a->kind == STRICTER) {
		proc_ns(a->container, "mnt", path, sizeof(path));
		if (enter(path, CLONE_NEWNS))
			return 2;
	}
	return unshare(CLONE_NEWNS) ? 3 : 0;
}

FIXTURE(sibling) {
	char dir[64];
	char file[96];
	struct holder container;
	struct holder sibling;
	unsigned int nsid;
	int kmsg;
};

FIXTURE_VARIANT(sibling) {
	enum sibling_kind kind;
	int setns_err;
};

/* Created ungoverned: the escape of issue 11. */
FIXTURE_VARIANT_ADD(sibling, ungoverned) { UNGOVERNED, EPERM };
/* Governed by a policy that is not the container's. */
FIXTURE_VARIANT_ADD(sibling, weaker_policy) { WEAKER, EPERM };
/* Copied from the container's namespace and given more rules. */
FIXTURE_VARIANT_ADD(sibling, stricter_policy) { STRICTER, 0 };

FIXTURE_SETUP(sibling)
{
	struct sibling_args args = { 0, variant->kind };
	char path[64];

	self->container.pid = 0;
	self->sibling.pid = 0;
	self->kmsg = -1;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, make_test_dir("sib", self->dir, self->file));

	ASSERT_EQ(0, hold(&self->container, become_container, NULL));
	proc_ns(self->container.pid, "mnt", path, sizeof(path));
	self->nsid = ns_inum(path);
	ASSERT_EQ(0, register_ns(self->nsid));
	ASSERT_EQ(0, load_policy(self->nsid, RULE_NS));

	args.container = self->container.pid;
	ASSERT_EQ(0, hold(&self->sibling, make_sibling, &args));
	if (variant->kind != UNGOVERNED) {
		unsigned int sib;

		proc_ns(self->sibling.pid, "mnt", path, sizeof(path));
		sib = ns_inum(path);
		ASSERT_EQ(0, register_ns(sib));
		ASSERT_EQ(0, load_policy(sib, RULE_OTHER));
	}
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(sibling)
{
	release(&self->sibling);
	release(&self->container);
	if (self->kmsg >= 0)
		close(self->kmsg);
	remove_test_dir(self->dir);
}

struct escape_args {
	pid_t container;
	pid_t sibling;
	const char *file;
};

/*
 * For run_child(): container root, in the container's namespaces, tries
 * the sibling.  Returns 0 when setns() succeeded and the file was still
 * refused, the errno of a refused setns(), or a step number.
 */
static int container_root_setns(void *data)
{
	struct escape_args *a = data;
	char path[64];
	int fd, err;

	/* Opened while still host root; used as container root. */
	proc_ns(a->sibling, "mnt", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 100;
	proc_ns(a->container, "user", path, sizeof(path));
	if (enter(path, CLONE_NEWUSER))
		return 101;
	proc_ns(a->container, "mnt", path, sizeof(path));
	if (enter(path, CLONE_NEWNS))
		return 102;
	if (try_open(a->file) != -EACCES)
		return 103;
	if (setns(fd, CLONE_NEWNS)) {
		err = errno;
		return try_open(a->file) == -EACCES ? err : 104;
	}
	/* Entered: the file must still be refused there. */
	return try_open(a->file) == -EACCES ? 0 : 105;
}

TEST_F(sibling, container_root_cannot_leave_the_policy)
{
	struct escape_args a = { self->container.pid, self->sibling.pid,
				 self->file };
	char rec[64];
	const char *needles[] = { "op=ns_install", "cause=weaker-policy",
				  rec, "res=0", NULL };

	snprintf(rec, sizeof(rec), "mnt_ns=%u ", self->nsid);
	EXPECT_EQ(variant->setns_err, run_child(container_root_setns, &a));
	EXPECT_EQ(variant->setns_err ? 1 : 0,
		  kmsg_count(self->kmsg, needles, 500, NULL, 0));
}

/* --- A registration reaches existing copies ----------------------------- */

struct nested {
	struct holder outer;
	struct holder inner;
	int go;
	int result;
};

/* For hold(): the outer namespace. */
static int unshare_ns(void *unused)
{
	return unshare(CLONE_NEWNS) ? 1 : 0;
}

/*
 * Forks, in @outer's namespace, a process that copies it and opens @file
 * when told to; reports the negated errno on @result.
 */
static int spawn_copy(struct nested *n, const char *file)
{
	int go[2], res[2], ready[2];
	char path[64], c;
	pid_t pid;

	if (pipe(go) || pipe(res) || pipe(ready))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* Only the parent may hold what releases the outer holder. */
		close(n->outer.release);
		close(go[1]);
		close(res[0]);
		close(ready[0]);
		proc_ns(n->outer.pid, "mnt", path, sizeof(path));
		if (enter(path, CLONE_NEWNS) || unshare(CLONE_NEWNS))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		while (read(go[0], &c, 1) == 1) {
			c = -try_open(file);
			if (write(res[1], &c, 1) != 1)
				_exit(3);
		}
		_exit(0);
	}
	n->inner.pid = pid;
	n->inner.release = go[1];
	n->go = go[1];
	n->result = res[0];
	close(go[0]);
	close(res[1]);
	close(ready[1]);
	return read(ready[0], &c, 1) == 1 ? 0 : -1;
}

/* The errno of the copy's open of its file, as it reports it. */
static int copy_open(struct nested *n)
{
	char c = -1;

	if (write(n->go, "g", 1) != 1 || read(n->result, &c, 1) != 1)
		return -1;
	return c;
}

TEST(registration_reaches_existing_copies)
{
	char dir[64], file[96], path[64];
	struct nested n = { 0 };
	unsigned int nsid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, make_test_dir("copy", dir, file));

	/* The copy is made before the registration, as a racing one is. */
	ASSERT_EQ(0, hold(&n.outer, unshare_ns, NULL));
	ASSERT_EQ(0, spawn_copy(&n, file));
	EXPECT_EQ(0, copy_open(&n));
	proc_ns(n.outer.pid, "mnt", path, sizeof(path));
	nsid = ns_inum(path);
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, RULE_NS));
	EXPECT_EQ(EACCES, copy_open(&n));

	close(n.result);
	release(&n.inner);
	release(&n.outer);
	remove_test_dir(dir);
}

/* For hold(): a copy of the namespace of the holder @data. */
static int copy_of(void *data)
{
	char path[64];

	proc_ns(*(pid_t *)data, "mnt", path, sizeof(path));
	return enter(path, CLONE_NEWNS) || unshare(CLONE_NEWNS);
}

TEST(registration_reaches_copies_of_gone_registrants)
{
	char dir[64], file[96], path[64];
	struct holder outer = { 0 };
	struct nested n = { 0 };
	unsigned int nsid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, make_test_dir("gone", dir, file));

	/* A, then B copied from A with a policy of its own, then C from B. */
	ASSERT_EQ(0, hold(&outer, unshare_ns, NULL));
	ASSERT_EQ(0, hold(&n.outer, copy_of, &outer.pid));
	proc_ns(n.outer.pid, "mnt", path, sizeof(path));
	nsid = ns_inum(path);
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, RULE_OTHER));
	ASSERT_EQ(0, spawn_copy(&n, file));
	/* B goes: C keeps B's policy, and is still a copy of A. */
	release(&n.outer);
	EXPECT_EQ(0, copy_open(&n));

	proc_ns(outer.pid, "mnt", path, sizeof(path));
	nsid = ns_inum(path);
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, RULE_NS));
	EXPECT_EQ(EACCES, copy_open(&n));

	close(n.result);
	release(&n.inner);
	release(&outer);
	remove_test_dir(dir);
}

/* --- The host never loses sight of a policy ------------------------------ */

/* Whether "namespaces" has the line @line. */
static bool listed(const char *line)
{
	char buf[65536], *l, *save;

	if (read_file(IMA_NAMESPACES, buf, sizeof(buf)) < 0)
		return false;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strcmp(l, line))
			return true;
	return false;
}

TEST(policy_outliving_its_namespace_stays_in_sight)
{
	char dir[64], file[96], other[96], path[64], line[64], link[64];
	char pdir[96], ppath[128], buf[4096];
	struct nested n = { 0 };
	unsigned int nsid;
	__u64 id;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(dir, sizeof(dir), "/tmp/ima_ns_sight.%d", getpid());
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(other, sizeof(other), "%s/file2", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, make_appraised(file, true));
	ASSERT_EQ(0, make_file(other, CONTENT, strlen(CONTENT), OWNER_OTHER,
			       0644));
	ASSERT_EQ(0, set_ima_hash(other, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, true));

	ASSERT_EQ(0, hold(&n.outer, unshare_ns, NULL));
	proc_ns(n.outer.pid, "mnt", path, sizeof(path));
	nsid = ns_inum(path);
	id = mnt_ns_id_of(path);
	ASSERT_NE(0, id);
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, RULE_NS));
	ASSERT_EQ(0, spawn_copy(&n, other));
	snprintf(line, sizeof(line), "%u mntns:%llu", nsid,
		 (unsigned long long)id);
	EXPECT_TRUE(listed(line));
	snprintf(link, sizeof(link), IMA_DIR "/%u", nsid);
	snprintf(pdir, sizeof(pdir), IMA_DIR "/mntns:%llu",
		 (unsigned long long)id);
	snprintf(ppath, sizeof(ppath), "%s/policy", pdir);

	/* The registered namespace goes; the copy keeps its policy. */
	release(&n.outer);
	EXPECT_TRUE(wait_path(link, false));
	snprintf(line, sizeof(line), "- mntns:%llu", (unsigned long long)id);
	EXPECT_TRUE(listed(line));
	ASSERT_LT(0, read_file(ppath, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "fowner=71452"));
	/* The host can still tighten it. */
	EXPECT_EQ(0, copy_open(&n));
	ASSERT_EQ(0, load_rules(ppath, RULE_OTHER));
	EXPECT_EQ(EACCES, copy_open(&n));
	EXPECT_EQ(0, try_open(other));

	/* With the last namespace it governs, the policy goes. */
	close(n.result);
	release(&n.inner);
	EXPECT_TRUE(wait_path(pdir, false));
	EXPECT_FALSE(listed(line));
	remove_test_dir(dir);
}

/* --- Registration by the 64-bit id ---------------------------------------- */

TEST(register_by_mount_namespace_id)
{
	char path[64], ref[64], link[64], target[64], rec[64], rec_id[64];
	const char *needles[] = { "op=ns_register", rec, rec_id, NULL };
	struct holder h = { 0 };
	unsigned int nsid;
	ssize_t len;
	int kmsg;
	__u64 id;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, hold(&h, unshare_ns, NULL));
	proc_ns(h.pid, "mnt", path, sizeof(path));
	nsid = ns_inum(path);
	id = mnt_ns_id_of(path);
	ASSERT_NE(0, id);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);

	snprintf(ref, sizeof(ref), "mntns:%llu\n", (unsigned long long)id);
	ASSERT_EQ(0, write_namespaces(ref));
	snprintf(rec, sizeof(rec), "mnt_ns=%u ", nsid);
	snprintf(rec_id, sizeof(rec_id), "mnt_ns_id=%llu ",
		 (unsigned long long)id);
	EXPECT_EQ(1, kmsg_count(kmsg, needles, 500, NULL, 0));
	/* "<nsid>" leads to the policy's own directory. */
	snprintf(link, sizeof(link), IMA_DIR "/%u", nsid);
	len = readlink(link, target, sizeof(target) - 1);
	ASSERT_LT(0, len);
	target[len] = '\0';
	ref[strcspn(ref, "\n")] = '\0';
	EXPECT_STREQ(ref, target);
	EXPECT_EQ(0, load_policy(nsid, RULE_NS));
	/* Registered already, whichever way it is named. */
	EXPECT_EQ(-EEXIST, write_namespaces(ref));
	snprintf(ref, sizeof(ref), "%u", nsid);
	EXPECT_EQ(-EEXIST, write_namespaces(ref));
	/* Ids are never reused: one far ahead names nothing yet. */
	snprintf(ref, sizeof(ref), "mntns:%llu",
		 (unsigned long long)id + 1000000000ULL);
	EXPECT_EQ(-ENOENT, write_namespaces(ref));
	snprintf(ref, sizeof(ref), "mntns:%llu",
		 (unsigned long long)mnt_ns_id_of("/proc/1/ns/mnt"));
	EXPECT_EQ(-EINVAL, write_namespaces(ref));
	EXPECT_EQ(-EINVAL, write_namespaces("mntns:0"));
	EXPECT_EQ(-EINVAL, write_namespaces("mntns:"));

	release(&h);
	EXPECT_TRUE(wait_path(link, false));
	close(kmsg);
}

/* --- Open modes and offsets of the policy file ---------------------------- */

TEST_F(ns, policy_open_mode_3_refused)
{
	char path[128];
	int fd;

	policy_path(self->nsid, path, sizeof(path));
	/* O_ACCMODE: neither a reader nor the one writer. */
	fd = open(path, O_ACCMODE | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	if (fd >= 0)
		close(fd);
	/* The writer's slot was not taken. */
	EXPECT_EQ(0, load_policy(self->nsid, RULE_NS));
}

TEST_F(ns, policy_write_after_seek_fails_the_batch)
{
	char path[128], buf[4096];
	int fd;

	policy_path(self->nsid, path, sizeof(path));
	ASSERT_EQ(0, load_policy(self->nsid, RULE_NS));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(RULE_OTHER),
		  write(fd, RULE_OTHER, strlen(RULE_OTHER)));
	ASSERT_EQ(1, lseek(fd, 1, SEEK_SET));
	EXPECT_EQ(-1, write(fd, RULE_OTHER, strlen(RULE_OTHER)));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	/* The whole batch is gone, the first line with it. */
	ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "fowner=71452"));
	EXPECT_EQ(NULL, strstr(buf, "fowner=71454"));
}

/* --- Anonymous mount namespaces ---------------------------------------- */

/* For run_child(): opens "file" through a detached copy of @dir's tree. */
static int open_through_detached_tree(void *dir)
{
	int tree, fd;

	tree = syscall(SYS_open_tree, AT_FDCWD, dir,
		       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return 100;
	fd = openat(tree, "file", O_RDONLY | O_CLOEXEC);
	close(tree);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

TEST_F(ns, anonymous_namespace_changes_nothing)
{
	ASSERT_EQ(0, make_appraised(self->file, false));
	ASSERT_EQ(0, load_policy(self->nsid, RULE_NS));
	/* The task's namespace decides, not the tree's. */
	EXPECT_EQ(EACCES, run_child(open_through_detached_tree, self->dir));
	EXPECT_EQ(0, as_host(self->host_ns, open_through_detached_tree,
			     self->dir));
}

TEST_HARNESS_MAIN
