// SPDX-License-Identifier: GPL-2.0
/*
 * IMA namespace policies: interface, scope, appraisal, lifetime and audit.
 *
 * Each test runs in a mount namespace of its own, registered by the
 * fixture.  Test files live in a directory that the host and other
 * namespaces reach too: the "fs" tests, about what appraisal makes of a
 * file's content, run once on tmpfs, once on ext4 and once on overlayfs;
 * the others use a directory of the shared /tmp.  The test that loads a
 * rule into the global policy comes last, since that rule stays for the
 * rest of the boot: it is an "ns" test, and those run after all "fs" ones.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "common.h"
#include "ns_fixture.h"

static int nested_unshare_and_open(void *path)
{
	if (unshare(CLONE_NEWNS))
		return 100;
	return run_child(unshare_and_open, path);
}

/* --- The namespaces file ------------------------------------------------ */

TEST(namespaces_file_mode)
{
	struct stat st;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, stat(IMA_NAMESPACES, &st));
	EXPECT_EQ(0100600, st.st_mode);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

FIXTURE(bad_id) {};
FIXTURE_VARIANT(bad_id) {
	const char *input;
	size_t len;
};

#define BAD_ID(_name, _input) \
	FIXTURE_VARIANT_ADD(bad_id, _name) { _input, sizeof(_input) - 1 }

BAD_ID(empty, "");
BAD_ID(newline_only, "\n");
BAD_ID(letters, "abc");
BAD_ID(negative, "-1");
BAD_ID(plus, "+4026531840");
BAD_ID(overflow, "4294967296");
BAD_ID(two_numbers, "12 34");
BAD_ID(trailing_garbage, "12abc");
BAD_ID(embedded_nul, "12\00034");	/* "12", NUL, "34" */
BAD_ID(zero, "0");
BAD_ID(hex, "0x1");

FIXTURE_SETUP(bad_id)
{
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
}

FIXTURE_TEARDOWN(bad_id) {}

TEST_F(bad_id, rejected_with_einval)
{
	char before[4096], after[4096];
	int fd;

	ASSERT_LE(0, read_file(IMA_NAMESPACES, before, sizeof(before)));
	fd = open(IMA_NAMESPACES, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, variant->input, variant->len));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	ASSERT_LE(0, read_file(IMA_NAMESPACES, after, sizeof(after)));
	EXPECT_STREQ(before, after);
}

TEST(initial_namespace_einval)
{
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	EXPECT_EQ(-EINVAL, register_ns(ns_inum("/proc/1/ns/mnt")));
}

TEST(other_namespace_type_enoent)
{
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	EXPECT_EQ(-ENOENT, register_ns(ns_inum("/proc/self/ns/uts")));
}

static int report_nsid(void *pipe_fd)
{
	unsigned int nsid;

	if (unshare(CLONE_NEWNS))
		return 1;
	nsid = current_mnt_ns();
	return write(*(int *)pipe_fd, &nsid, sizeof(nsid)) != sizeof(nsid);
}

TEST(dead_namespace_enoent)
{
	unsigned int nsid = 0;
	int pipefd[2];

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, run_child(report_nsid, &pipefd[1]));
	ASSERT_EQ(sizeof(nsid), read(pipefd[0], &nsid, sizeof(nsid)));
	EXPECT_EQ(-ENOENT, register_ns(nsid));
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(ns, duplicate_eexist)
{
	EXPECT_EQ(-EEXIST, register_ns(self->nsid));
}

TEST_F(ns, nonzero_offset_rejected)
{
	char buf[32], path[64];
	int fd, len;

	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	len = snprintf(buf, sizeof(buf), "%u", current_mnt_ns());
	fd = open(IMA_NAMESPACES, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* seq_file refuses positional writes outright... */
	EXPECT_EQ(-1, pwrite(fd, buf, len, 1));
	EXPECT_EQ(ESPIPE, errno);
	/* ...and the file itself refuses a write after a seek... */
	ASSERT_EQ(1, lseek(fd, 1, SEEK_SET));
	EXPECT_EQ(-1, write(fd, buf, len));
	EXPECT_EQ(EINVAL, errno);
	snprintf(path, sizeof(path), IMA_DIR "/%s", buf);
	EXPECT_EQ(-1, access(path, F_OK));
	/* ...for the offset alone: the same write at 0 registers. */
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(len, write(fd, buf, len));
	EXPECT_EQ(0, access(path, F_OK));
	close(fd);
}

TEST_F(ns, listed_in_registration_order)
{
	char buf[65536], *line, *save, nsid[16];
	unsigned long long id;
	int parent_at = 0, child_at = 0, n = 0;
	unsigned int child;

	/* A second, nested namespace. */
	child = enter_registered_ns();
	ASSERT_NE(0, child);
	ASSERT_LT(0, read_file(IMA_NAMESPACES, buf, sizeof(buf)));
	/* "<nsid> mntns:<id>", or "- mntns:<id>" once <nsid> is gone. */
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int fields = sscanf(line, "%15s mntns:%llu", nsid, &id);

		ASSERT_EQ(2, fields) {
			TH_LOG("line \"%s\"", line);
		}
		EXPECT_NE(0, id);
		n++;
		if (strtoul(nsid, NULL, 10) == self->nsid)
			parent_at = n;
		if (strtoul(nsid, NULL, 10) == child)
			child_at = n;
	}
	EXPECT_NE(0, parent_at);
	EXPECT_LT(parent_at, child_at);
}

static int drop_cap_sys_admin_and_register(void *nsid)
{
	if (drop_cap_sys_admin())
		return 100;
	return -register_ns(*(unsigned int *)nsid);
}

static int register_as_nobody(void *nsid)
{
	if (setresuid(65534, 65534, 65534))
		return 100;
	return -register_ns(*(unsigned int *)nsid);
}

struct fd_and_nsid {
	int fd;
	unsigned int nsid;
};

static int write_passed_fd_as_nobody(void *data)
{
	struct fd_and_nsid *f = data;
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%u\n", f->nsid);

	if (setresuid(65534, 65534, 65534))
		return 100;
	return write(f->fd, buf, len) < 0 ? errno : 0;
}

static int register_as_userns_root(void *nsid)
{
	if (unshare(CLONE_NEWUSER))
		return 100;
	return -register_ns(*(unsigned int *)nsid);
}

static int new_ns_child(void *pipe_fds)
{
	int *p = pipe_fds;
	char c;

	if (unshare(CLONE_NEWNS))
		return 1;
	if (write(p[1], "x", 1) != 1)
		return 2;
	/* Stay alive until the parent closes the pipe. */
	return read(p[2], &c, 1) < 0;
}

/* Starts a child in a new mount namespace; returns its pid or -1. */
static pid_t spawn_ns_holder(int *ready, int *release)
{
	int a[2], b[2], fds[3];
	pid_t pid;
	char c;

	if (pipe(a) || pipe(b))
		return -1;
	fds[0] = a[0];
	fds[1] = a[1];
	fds[2] = b[0];
	pid = fork();
	if (pid == 0) {
		close(b[1]);
		_exit(new_ns_child(fds));
	}
	close(a[1]);
	close(b[0]);
	if (read(a[0], &c, 1) != 1)
		return -1;
	*ready = a[0];
	*release = b[1];
	return pid;
}

TEST(privilege_checks_eperm)
{
	struct fd_and_nsid f;
	int ready, release, status;
	unsigned int nsid;
	char path[64];
	pid_t pid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	pid = spawn_ns_holder(&ready, &release);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	nsid = ns_inum(path);
	ASSERT_NE(0, nsid);

	EXPECT_EQ(EPERM, run_child(drop_cap_sys_admin_and_register, &nsid));
	/* Mode 0600 keeps other users from opening the file at all. */
	EXPECT_EQ(EACCES, run_child(register_as_nobody, &nsid));
	EXPECT_EQ(EPERM, run_child(register_as_userns_root, &nsid));
	/* A descriptor opened by root is of no use to an unprivileged task. */
	f.fd = open(IMA_NAMESPACES, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, f.fd);
	f.nsid = nsid;
	EXPECT_EQ(EPERM, run_child(write_passed_fd_as_nobody, &f));
	close(f.fd);

	/* None of them registered anything. */
	snprintf(path, sizeof(path), IMA_DIR "/%u", nsid);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(0, register_ns(nsid));
	EXPECT_EQ(0, access(path, F_OK));

	close(release);
	close(ready);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(-1, access(path, F_OK));
}

/* --- The policy file ---------------------------------------------------- */

TEST_F(ns, policy_file_exclusive_per_namespace)
{
	char path[96], other_path[96];
	unsigned int other;
	int fd, fd2;

	policy_path(self->nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, open(path, O_WRONLY | O_CLOEXEC));
	EXPECT_EQ(EBUSY, errno);

	/* Another namespace's policy file is independent. */
	other = enter_registered_ns();
	ASSERT_NE(0, other);
	policy_path(other, other_path, sizeof(other_path));
	fd2 = open(other_path, O_WRONLY | O_CLOEXEC);
	EXPECT_LE(0, fd2);
	close(fd2);
	close(fd);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(ns, policy_reads_back)
{
	const char *rules =
		"appraise func=FILE_CHECK fsmagic=0x1021994 fowner=71452\n"
		"appraise func=MODULE_CHECK\n"
		"# comments and blank lines are skipped\n"
		"\n"
		"dont_appraise fsmagic=0x1021994 fowner=71454\n"
		"appraise fsmagic=0x1021994 fowner=71452 appraise_type=imasig\n";
	/* The global policy file's format: a space ends every condition. */
	const char *shown =
		"appraise func=FILE_CHECK fsmagic=0x1021994 fowner=71452 \n"
		"appraise func=MODULE_CHECK \n"
		"dont_appraise fsmagic=0x1021994 fowner=71454 \n"
		"appraise fsmagic=0x1021994 fowner=71452 appraise_type=imasig \n";
	char path[96], buf[4096];

	ASSERT_EQ(0, load_policy(self->nsid, rules));
	policy_path(self->nsid, path, sizeof(path));
	ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ(shown, buf);
}

TEST_F(ns, policy_append_keeps_rules)
{
	char path[96], buf[4096];

	ASSERT_EQ(0, load_policy(self->nsid, "appraise func=MODULE_CHECK\n"));
	ASSERT_EQ(0, load_policy(self->nsid, "appraise func=BPRM_CHECK\n"));
	policy_path(self->nsid, path, sizeof(path));
	ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ("appraise func=MODULE_CHECK \nappraise func=BPRM_CHECK \n",
		     buf);
}

FIXTURE(bad_rule) {
	unsigned int nsid;
	int kmsg;
};

FIXTURE_VARIANT(bad_rule) {
	const char *rule;
};

FIXTURE_VARIANT_ADD(bad_rule, unknown_keyword) { "appraise frobnicate=1\n" };
/* Measure rules are accepted (ima_ns_measure_test), not with this template. */
FIXTURE_VARIANT_ADD(bad_rule, measure_template) {
	"measure func=FILE_CHECK template=ima-sig\n" };
/* audit rules are accepted: ima_ns_mode_test. */
FIXTURE_VARIANT_ADD(bad_rule, hash) { "hash func=FILE_CHECK\n" };
/* Parsed, then refused: the debug boot's kmemleak scan sees its label list. */
FIXTURE_VARIANT_ADD(bad_rule, measure_label) {
	"measure func=CRITICAL_DATA label=selinux\n" };
FIXTURE_VARIANT_ADD(bad_rule, setxattr_check) {
	"appraise func=SETXATTR_CHECK appraise_algos=sha256\n" };
FIXTURE_VARIANT_ADD(bad_rule, bad_func) { "appraise func=NOPE_CHECK\n" };
FIXTURE_VARIANT_ADD(bad_rule, bad_fsmagic) { "appraise fsmagic=zz\n" };
FIXTURE_VARIANT_ADD(bad_rule, file_path) { "/etc/ima-policy\n" };

FIXTURE_SETUP(bad_rule)
{
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
	self->kmsg = kmsg_open();
}

FIXTURE_TEARDOWN(bad_rule) {}

TEST_F(bad_rule, batch_rejected_previous_policy_stays)
{
	char path[96], buf[4096], batch[256], mnt_ns[32];
	const char *failed[] = { "type=1802", "op=policy_update",
				 "cause=failed", mnt_ns, NULL };
	int fd;

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", self->nsid);
	ASSERT_EQ(0, load_policy(self->nsid, "appraise func=MODULE_CHECK\n"));

	/* A good rule, then the bad one: the whole batch goes. */
	snprintf(batch, sizeof(batch), "appraise func=BPRM_CHECK\n%s",
		 variant->rule);
	policy_path(self->nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(strlen("appraise func=BPRM_CHECK\n"),
		  write(fd, batch, strlen(batch)));
	EXPECT_EQ(-1, write(fd, variant->rule, strlen(variant->rule)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, close(fd));

	ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ("appraise func=MODULE_CHECK \n", buf);
	EXPECT_EQ(1, kmsg_count(self->kmsg, failed, 1000, NULL, 0));
}

TEST_F(ns, rule_limit_enospc)
{
	char path[96], buf[64];
	int fd, i;

	policy_path(self->nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "appraise func=MODULE_CHECK\n");
	for (i = 0; i < 1024; i++)
		ASSERT_EQ(strlen(buf), write(fd, buf, strlen(buf)));
	EXPECT_EQ(-1, write(fd, buf, strlen(buf)));
	EXPECT_EQ(ENOSPC, errno);
	close(fd);
	/* The batch failed as a whole. */
	ASSERT_EQ(0, read_file(path, buf, sizeof(buf)));
}

/* Whether CAP_SYS_ADMIN can be made effective again. */
static bool cap_sys_admin_raisable(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return true;
	data[0].effective |= 1U << CAP_SYS_ADMIN;
	return !syscall(SYS_capset, &hdr, data);
}

static int open_policy_without_cap(void *path)
{
	int fd;

	if (drop_cap_sys_admin())
		return 100;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

TEST_F(ns, policy_write_needs_cap_sys_admin)
{
	char path[96];
	struct fd_and_nsid f;

	policy_path(self->nsid, path, sizeof(path));
	EXPECT_EQ(EPERM, run_child(open_policy_without_cap, path));
	f.fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, f.fd);
	f.nsid = 0;
	/* Writes through a descriptor passed to an unprivileged task fail. */
	EXPECT_EQ(EPERM, run_child(write_passed_fd_as_nobody, &f));
	close(f.fd);
}

/* --- Scope --------------------------------------------------------------- */

TEST_F(fs, governs_namespace_only)
{
	ASSERT_EQ(0, make_appraised(self->src, false));
	/* No rule yet: the namespace is not affected. */
	EXPECT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	EXPECT_EQ(-EACCES, try_open(self->file));
	/* The host and an unregistered sibling namespace are not governed. */
	EXPECT_EQ(0, as_host(self->host_ns, open_status, self->file));
	EXPECT_EQ(0, as_host(self->host_ns, unshare_and_open, self->file));
	/* Files not matched by the rule are not affected. */
	ASSERT_EQ(0, chown(self->file, OWNER_OTHER, OWNER_OTHER));
	EXPECT_EQ(0, try_open(self->file));
}

TEST_F(fs, unshare_cannot_escape)
{
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	EXPECT_EQ(EACCES, run_child(unshare_and_open, self->file));
	EXPECT_EQ(EACCES, run_child(nested_unshare_and_open, self->file));
}

struct setns_args {
	int ns_fd;
	const char *path;
};

static int setns_and_open(void *data)
{
	struct setns_args *a = data;

	if (setns(a->ns_fd, CLONE_NEWNS))
		return 100;
	return -try_open(a->path);
}

TEST_F(fs, setns_enters_policy)
{
	struct setns_args a = { .path = self->file };

	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	a.ns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, a.ns_fd);
	/* A host task that enters the namespace is governed... */
	EXPECT_EQ(EACCES, as_host(self->host_ns, setns_and_open, &a));
	close(a.ns_fd);
	/* ...and one that leaves it for the host is not. */
	a.ns_fd = self->host_ns;
	EXPECT_EQ(0, run_child(setns_and_open, &a));
}

TEST_F(fs, host_reaching_in_through_proc_root_not_governed)
{
	char path[160];

	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	snprintf(path, sizeof(path), "/proc/%d/root%s", getpid(), self->file);
	/* The rule matches the file here... */
	EXPECT_EQ(-EACCES, try_open(self->file));
	/* ...not for the host, which reaches it by this namespace's root. */
	EXPECT_EQ(0, as_host(self->host_ns, open_status, path));
}

TEST_F(fs, registered_child_keeps_inherited_policy)
{
	char other[128], src_other[128];

	snprintf(other, sizeof(other), "%s/other", self->dir);
	snprintf(src_other, sizeof(src_other), "%s/other", self->src_dir);
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, make_appraised(src_other, false));
	ASSERT_EQ(0, chown(src_other, OWNER_OTHER, OWNER_OTHER));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* A child registered with rules of its own keeps ours too: union. */
	ASSERT_NE(0, enter_registered_ns());
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(0, try_open(other));
	ASSERT_EQ(0, load_policy(current_mnt_ns(),
				 fs_rule_owner(self, "", OWNER_OTHER)));
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, try_open(other));
}

/* --- Appraisal ------------------------------------------------------------ */

/*
 * The file and owner conditions of the upstream grammar, each with a
 * matching and a non-matching value, evaluated for a namespace policy.
 */
FIXTURE(condition) {
	char dir[64];
	char file[96];
	unsigned int nsid;
};

FIXTURE_VARIANT(condition) {
	const char *rule;
	bool denied;	/* whether the rule matches a read by root of the file */
};

#define COND(_name, _rule, _denied) \
	FIXTURE_VARIANT_ADD(condition, _name) { _rule "\n", _denied }

COND(fsmagic_match, "appraise fsmagic=0x1021994 fowner=71452", true);
COND(fsmagic_other, "appraise fsmagic=0x9fa0 fowner=71452", false);
COND(fsname_match, "appraise fsname=tmpfs fowner=71452", true);
COND(fsname_other, "appraise fsname=proc fowner=71452", false);
COND(fsuuid_other, "appraise fsuuid=6a6e3b4b-7d1f-4e0a-9a29-5cbe5f7c4d21 fowner=71452", false);
COND(fowner_gt, "appraise fsmagic=0x1021994 fowner>71451", true);
COND(fowner_gt_not, "appraise fsmagic=0x1021994 fowner>71452", false);
COND(fowner_lt, "appraise fsmagic=0x1021994 fowner<71452", false);
COND(fgroup_match, "appraise fsmagic=0x1021994 fgroup=71452", true);
COND(fgroup_other, "appraise fsmagic=0x1021994 fgroup=1", false);
COND(uid_match, "appraise fsmagic=0x1021994 fowner=71452 uid=0", true);
COND(uid_other, "appraise fsmagic=0x1021994 fowner=71452 uid=1", false);
COND(euid_match, "appraise fsmagic=0x1021994 fowner=71452 euid=0", true);
COND(euid_other, "appraise fsmagic=0x1021994 fowner=71452 euid=1", false);
COND(mask_read, "appraise func=FILE_CHECK mask=MAY_READ fsmagic=0x1021994 fowner=71452", true);
COND(mask_write, "appraise func=FILE_CHECK mask=MAY_WRITE fsmagic=0x1021994 fowner=71452", false);
COND(func_bprm_only, "appraise func=BPRM_CHECK fsmagic=0x1021994 fowner=71452", false);
COND(dont_appraise_first, "dont_appraise fowner=71452\nappraise fsmagic=0x1021994", false);

FIXTURE_SETUP(condition)
{
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_cond.%d", getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, make_appraised(self->file, false));
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
}

FIXTURE_TEARDOWN(condition)
{
	unlink(self->file);
	rmdir(self->dir);
}

TEST_F(condition, matches_as_expected)
{
	ASSERT_EQ(0, load_policy(self->nsid, variant->rule));
	EXPECT_EQ(variant->denied ? -EACCES : 0, try_open(self->file));
}

TEST_F(fs, good_hash_opens)
{
	char buf[64], bad_src[128], bad[128];
	int fd;

	snprintf(bad_src, sizeof(bad_src), "%s/bad", self->src_dir);
	snprintf(bad, sizeof(bad), "%s/bad", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, make_appraised(bad_src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	fd = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(strlen(CONTENT), read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, CONTENT, strlen(CONTENT)));
	close(fd);
	/* The rule matches this file system: a wrong hash beside it fails. */
	EXPECT_EQ(-EACCES, try_open(bad));
	/* On overlayfs, reading copied nothing up. */
	if (self->overlay)
		EXPECT_EQ(-1, access(self->backing, F_OK));
}

FIXTURE(bad_xattr) {
	char dir[64];
	char file[96];
	unsigned int nsid;
	int kmsg;
};

enum bad_xattr_kind {
	XATTR_NONE,		/* no security.ima at all */
	XATTR_WRONG_DIGEST,	/* well-formed sha256, one bit flipped */
	XATTR_TRUNCATED,	/* type and algorithm, two digest bytes */
	XATTR_SEED_RECIPE,	/* 0x04 then the digest: no algorithm byte */
	XATTR_BAD_TYPE,		/* an unknown type byte */
};

FIXTURE_VARIANT(bad_xattr) {
	enum bad_xattr_kind kind;
	const char *cause;
};

FIXTURE_VARIANT_ADD(bad_xattr, wrong_digest) {
	XATTR_WRONG_DIGEST, "cause=invalid-hash" };
FIXTURE_VARIANT_ADD(bad_xattr, missing) { XATTR_NONE, "cause=missing-hash" };
FIXTURE_VARIANT_ADD(bad_xattr, truncated) {
	XATTR_TRUNCATED, "cause=invalid-hash" };
FIXTURE_VARIANT_ADD(bad_xattr, seed_recipe) { XATTR_SEED_RECIPE, NULL };
FIXTURE_VARIANT_ADD(bad_xattr, bad_type) { XATTR_BAD_TYPE, NULL };

FIXTURE_SETUP(bad_xattr)
{
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns.%d", getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
	self->kmsg = kmsg_open();
}

FIXTURE_TEARDOWN(bad_xattr)
{
	unlink(self->file);
	rmdir(self->dir);
}

TEST_F(bad_xattr, eacces_and_audit)
{
	char mnt_ns[32], name[128], last[1024];
	unsigned char value[1 + SHA256_LEN];
	const char *rec[] = { "type=1800", "op=appraise_data",
			      variant->cause ?: "cause=", mnt_ns, name,
			      "comm=\"ima_ns_test\"", "dev=\"tmpfs\"", "ino=",
			      "res=0", NULL };

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", self->nsid);
	snprintf(name, sizeof(name), "name=\"%s\" ", self->file);
	ASSERT_EQ(0, make_file(self->file, CONTENT, strlen(CONTENT),
			       OWNER_NS, 0644));
	switch (variant->kind) {
	case XATTR_NONE:
		break;
	case XATTR_WRONG_DIGEST:
		ASSERT_EQ(0, set_ima_hash(self->file, CONTENT, strlen(CONTENT),
					  IMA_ALGO_SHA256, true));
		break;
	case XATTR_TRUNCATED:
		ASSERT_EQ(0, setxattr(self->file, "security.ima",
				      "\x04\x04\xde\xad", 4, 0));
		break;
	case XATTR_SEED_RECIPE:
	case XATTR_BAD_TYPE:
		value[0] = variant->kind == XATTR_BAD_TYPE ? 0x09 : 0x04;
		ASSERT_EQ(0, kernel_digest("sha256", CONTENT, strlen(CONTENT),
					   value + 1, SHA256_LEN));
		/*
		 * IMA refuses values it can tell are malformed; whatever it
		 * takes, the file must not pass.
		 */
		if (setxattr(self->file, "security.ima", value, sizeof(value),
			     0)) {
			EXPECT_EQ(EINVAL, errno);
			rec[2] = "cause=missing-hash";
		}
		break;
	}
	ASSERT_EQ(0, load_policy(self->nsid, RULE_NS));
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(1, kmsg_count(self->kmsg, rec, 1000, last, sizeof(last)));
	TH_LOG("%s", last);
}

TEST_F(fs, success_is_not_audited)
{
	const char *rec[] = { "type=1800", NULL };
	char bad_src[128], bad[128];

	snprintf(bad_src, sizeof(bad_src), "%s/bad", self->src_dir);
	snprintf(bad, sizeof(bad), "%s/bad", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, make_appraised(bad_src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	EXPECT_EQ(0, try_open(self->file));
	EXPECT_EQ(0, kmsg_count(self->kmsg, rec, 500, NULL, 0));
	/* A failure under the same rule is audited, once. */
	EXPECT_EQ(-EACCES, try_open(bad));
	EXPECT_EQ(1, kmsg_count(self->kmsg, rec, 1000, NULL, 0));
}

TEST_F(fs, sha1_hash_accepted_unless_algos_narrowed)
{
	ASSERT_EQ(0, make_file(self->src, CONTENT, strlen(CONTENT),
			       OWNER_NS, 0644));
	ASSERT_EQ(0, set_ima_hash(self->src, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA1, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	EXPECT_EQ(0, try_open(self->file));

	/* A child namespace that only allows sha256 inherits and narrows. */
	ASSERT_NE(0, enter_registered_ns());
	ASSERT_EQ(0, load_policy(current_mnt_ns(),
				 fs_rule(self, "appraise_algos=sha256")));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

TEST_F(fs, host_content_write_invalidates)
{
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* On overlayfs, the host then changes the copied-up file. */
	ASSERT_EQ(0, fs_copy_up(self));
	ASSERT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, as_host(self->host_ns, append_byte, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
	/* The host itself is not governed. */
	EXPECT_EQ(0, as_host(self->host_ns, open_status, self->file));
}

TEST_F(fs, host_xattr_change_invalidates)
{
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* On overlayfs, the host then changes the copied-up file. */
	ASSERT_EQ(0, fs_copy_up(self));
	ASSERT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, as_host(self->host_ns, set_bad_hash, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

TEST_F(fs, host_xattr_removal_invalidates)
{
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* On overlayfs, the host then changes the copied-up file. */
	ASSERT_EQ(0, fs_copy_up(self));
	ASSERT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, as_host(self->host_ns, remove_hash, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

static int chown_to_ns_owner(void *path)
{
	return chown(path, OWNER_NS, OWNER_NS) ? errno : 0;
}

TEST_F(fs, chown_reevaluates)
{
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, chown(self->src, OWNER_OTHER, OWNER_OTHER));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* Not matched by fowner: opens despite the bad hash. */
	ASSERT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, as_host(self->host_ns, chown_to_ns_owner, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

TEST_F(fs, chmod_keeps_enforcing)
{
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	ASSERT_EQ(-EACCES, try_open(self->file));
	ASSERT_EQ(0, chmod(self->file, 0600));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

struct rule_and_path {
	const char *rule;
	const char *path;
};

static int open_in_imasig_ns(void *data)
{
	const struct rule_and_path *a = data;
	unsigned int nsid;

	/* A sibling of the test namespace, created from the host. */
	nsid = enter_registered_ns();
	if (!nsid)
		return 100;
	if (load_policy(nsid, a->rule))
		return 101;
	return -try_open(a->path);
}

TEST_F(fs, no_verdict_leak_between_policies)
{
	struct rule_and_path imasig = {
		.rule = fs_rule(self, "appraise_type=imasig"),
		.path = self->file,
	};

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* Passes here, where a hash is enough... */
	ASSERT_EQ(0, try_open(self->file));
	/* ...but not where a signature is required... */
	EXPECT_EQ(EACCES, as_host(self->host_ns, open_in_imasig_ns, &imasig));
	/* ...and that failure does not poison the first namespace. */
	EXPECT_EQ(0, try_open(self->file));
}

TEST_F(fs, exec_of_bad_file_denied)
{
	const char script[] = "#!/bin/sh\nexit 7\n";
	char good_src[128], good[128];

	snprintf(good_src, sizeof(good_src), "%s/good", self->src_dir);
	snprintf(good, sizeof(good), "%s/good", self->dir);
	ASSERT_EQ(0, make_file(self->src, script, strlen(script), OWNER_NS,
			       0755));
	ASSERT_EQ(0, set_ima_hash(self->src, script, strlen(script),
				  IMA_ALGO_SHA256, true));
	ASSERT_EQ(0, make_file(good_src, script, strlen(script), OWNER_NS,
			       0755));
	ASSERT_EQ(0, set_ima_hash(good_src, script, strlen(script),
				  IMA_ALGO_SHA256, false));
	ASSERT_EQ(0, load_policy(self->nsid, fs_rule(self, "func=BPRM_CHECK")));
	/* Reading is not covered by a BPRM_CHECK rule. */
	EXPECT_EQ(0, try_open(self->file));
	EXPECT_EQ(100 + EACCES, exec_status(self->file));
	EXPECT_EQ(7, exec_status(good));
}

TEST_F(fs, exec_mmap_of_bad_file_denied)
{
	char good_src[128], good[128];
	void *p;
	int fd;

	snprintf(good_src, sizeof(good_src), "%s/good", self->src_dir);
	snprintf(good, sizeof(good), "%s/good", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, make_appraised(good_src, true));
	ASSERT_EQ(0, load_policy(self->nsid, fs_rule(self, "func=MMAP_CHECK")));
	fd = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, 4096);
	close(fd);
	EXPECT_EQ(EACCES, map_exec(self->file));
	EXPECT_EQ(0, map_exec(good));
}

static int load_module_fd(void *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return 100;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret ? errno : 0;
}

TEST_F(ns, module_check)
{
	char good[128];
	char junk[128] = "not an ELF module, but longer than an ELF header";

	snprintf(good, sizeof(good), "%s/good.ko", self->dir);
	ASSERT_EQ(0, make_file(self->file, junk, sizeof(junk), 0, 0644));
	ASSERT_EQ(0, set_ima_hash(self->file, junk, sizeof(junk),
				  IMA_ALGO_SHA256, true));
	ASSERT_EQ(0, make_file(good, junk, sizeof(junk), 0, 0644));
	ASSERT_EQ(0, set_ima_hash(good, junk, sizeof(junk),
				  IMA_ALGO_SHA256, false));
	ASSERT_EQ(0, load_policy(self->nsid, "appraise func=MODULE_CHECK\n"));

	/* The hash is checked before the module loader sees the bytes. */
	EXPECT_EQ(EACCES, run_child(load_module_fd, self->file));
	EXPECT_EQ(ENOEXEC, run_child(load_module_fd, good));
	/* A module without a file cannot be appraised, so it is refused. */
	EXPECT_EQ(-1, syscall(SYS_init_module, junk, sizeof(junk), ""));
	EXPECT_EQ(EACCES, errno);
	/* The host's loads are not affected. */
	EXPECT_EQ(ENOEXEC, as_host(self->host_ns, load_module_fd, self->file));
	unlink(good);
}

/* --- Lifetime ------------------------------------------------------------- */

static int register_and_exit(void *pipe_fd)
{
	unsigned int nsid = enter_registered_ns();

	if (!nsid || load_policy(nsid, RULE_NS))
		return 1;
	return write(*(int *)pipe_fd, &nsid, sizeof(nsid)) != sizeof(nsid);
}

TEST(teardown_and_inum_reuse)
{
	unsigned int dead = 0, nsid;
	char path[96], dir[64], file[96];
	int pipefd[2], tries;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(dir, sizeof(dir), "/tmp/ima_ns_reuse.%d", getpid());
	snprintf(file, sizeof(file), "%s/file", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, make_appraised(file, false));

	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, run_child(register_and_exit, &pipefd[1]));
	ASSERT_EQ(sizeof(dead), read(pipefd[0], &dead, sizeof(dead)));
	snprintf(path, sizeof(path), IMA_DIR "/%u", dead);
	EXPECT_EQ(-1, access(path, F_OK));

	/* Inode numbers are handed out lowest first: wait for ours. */
	for (tries = 0; tries < 1000; tries++) {
		ASSERT_EQ(0, unshare(CLONE_NEWNS));
		nsid = current_mnt_ns();
		if (nsid == dead)
			break;
	}
	ASSERT_EQ(dead, nsid);
	TH_LOG("inode number %u reused after %d namespaces", dead, tries + 1);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(0, try_open(file));
	EXPECT_EQ(0, register_ns(nsid));
	EXPECT_EQ(0, access(path, F_OK));
	EXPECT_EQ(0, try_open(file));
	unlink(file);
	rmdir(dir);
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST(namespace_kept_by_fd_and_bind_mount)
{
	struct setns_args a;
	int ready, release, status;
	char path[96], dir[64], file[96], pin[96];
	unsigned int nsid;
	pid_t pid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(dir, sizeof(dir), "/tmp/ima_ns_pin.%d", getpid());
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(pin, sizeof(pin), "%s/pin", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, make_appraised(file, false));
	ASSERT_EQ(0, make_file(pin, "", 0, 0, 0644));
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));

	/* nsfs may only be bind-mounted into an older namespace. */
	pid = spawn_ns_holder(&ready, &release);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	a.ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, a.ns_fd);
	ASSERT_EQ(0, mount(path, pin, NULL, MS_BIND, NULL));
	nsid = ns_inum(path);
	close(release);
	close(ready);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	/* No task is left inside; the fd and the bind mount keep it. */
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, RULE_NS));
	a.path = file;
	EXPECT_EQ(EACCES, run_child(setns_and_open, &a));

	snprintf(path, sizeof(path), IMA_DIR "/%u", nsid);
	close(a.ns_fd);
	EXPECT_EQ(0, access(path, F_OK));
	ASSERT_EQ(0, umount2(pin, MNT_DETACH));
	/* The last reference is gone once the detached mount is released. */
	for (int i = 0; i < 100 && !access(path, F_OK); i++)
		usleep(10000);
	EXPECT_EQ(-1, access(path, F_OK));
	unlink(file);
	unlink(pin);
	rmdir(dir);
}

TEST(descendant_outlives_registered_namespace)
{
	char dir[64], file[96], path[96], c, result = 0;
	int go[2], res[2], id[2], status;
	unsigned int nsid = 0;
	pid_t pid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(dir, sizeof(dir), "/tmp/ima_ns_orphan.%d", getpid());
	snprintf(file, sizeof(file), "%s/file", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, make_appraised(file, false));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(res));
	ASSERT_EQ(0, pipe(id));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		nsid = enter_registered_ns();
		if (!nsid || load_policy(nsid, RULE_NS))
			_exit(1);
		if (fork() == 0) {
			/* A namespace copied from the registered one... */
			if (unshare(CLONE_NEWNS) || write(res[1], "u", 1) != 1 ||
			    read(go[0], &c, 1) != 1)
				_exit(1);
			c = -try_open(file);
			_exit(write(res[1], &c, 1) != 1);
		}
		if (read(res[0], &c, 1) != 1)
			_exit(2);
		_exit(write(id[1], &nsid, sizeof(nsid)) != sizeof(nsid));
	}
	/* ...outlives it: the registering process and namespace are gone. */
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(sizeof(nsid), read(id[0], &nsid, sizeof(nsid)));
	snprintf(path, sizeof(path), IMA_DIR "/%u", nsid);
	EXPECT_EQ(-1, access(path, F_OK));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(res[0], &result, 1));
	EXPECT_EQ(EACCES, result);
	unlink(file);
	rmdir(dir);
}

TEST(teardown_with_policy_open)
{
	int ready, release, status, wfd, rfd;
	char path[96], buf[256];
	unsigned int nsid;
	pid_t pid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	pid = spawn_ns_holder(&ready, &release);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	nsid = ns_inum(path);
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, "appraise func=MODULE_CHECK\n"));
	policy_path(nsid, path, sizeof(path));
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wfd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rfd);
	ASSERT_LT(0, write(wfd, "appraise func=BPRM_CHECK\n", 25));

	close(release);
	close(ready);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(-1, access(path, F_OK));

	EXPECT_EQ(-1, write(wfd, "appraise func=MMAP_CHECK\n", 25));
	EXPECT_EQ(ENOENT, errno);
	/* The reader still sees the rules it opened. */
	EXPECT_LT(0, read(rfd, buf, sizeof(buf)));
	EXPECT_EQ(0, close(wfd));
	EXPECT_EQ(0, close(rfd));
	EXPECT_EQ(-1, open(path, O_RDONLY | O_CLOEXEC));
}

TEST(user_namespace_mount_ns_registered_by_host)
{
	int a[2], b[2], status;
	char path[96], dir[64], file[96], c;
	unsigned int nsid;
	pid_t pid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(dir, sizeof(dir), "/tmp/ima_ns_userns.%d", getpid());
	snprintf(file, sizeof(file), "%s/file", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, make_appraised(file, false));
	ASSERT_EQ(0, pipe(a));
	ASSERT_EQ(0, pipe(b));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(b[1]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) ||
		    write(a[1], "x", 1) != 1)
			_exit(1);
		/* Wait until registered, then try the file. */
		if (read(b[0], &c, 1) != 1)
			_exit(2);
		_exit(try_open(file) == -EACCES ? 0 : 3);
	}
	ASSERT_EQ(1, read(a[0], &c, 1));
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	nsid = ns_inum(path);
	ASSERT_EQ(0, register_ns(nsid));
	ASSERT_EQ(0, load_policy(nsid, RULE_NS));
	ASSERT_EQ(1, write(b[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	unlink(file);
	rmdir(dir);
}

static int userns_set_xattr(void *path)
{
	unsigned char v[34] = { 0x04, 0x04 };

	if (unshare(CLONE_NEWUSER))
		return 100;
	return setxattr(path, "security.ima", v, sizeof(v), 0) ? errno : 0;
}

TEST_F(ns, container_root_cannot_set_hash)
{
	ASSERT_EQ(0, make_appraised(self->file, true));
	EXPECT_EQ(EPERM, run_child(userns_set_xattr, self->file));
}

/* --- The privilege matrix ----------------------------------------------- */

enum actor {
	ACTOR_NOBODY,		/* an unprivileged user */
	ACTOR_USERNS_ROOT,	/* root in a user namespace of its own */
	ACTOR_NO_CAP,		/* root without CAP_SYS_ADMIN */
	ACTOR_CONTAINER_ROOT,	/* root of a user and mount namespace made in A */
};

FIXTURE(matrix) {
	char dir[64];
	char file[96];
	int ready[2], release[2];	/* two holders: A registered, B not */
	pid_t holder[2];
	unsigned int nsid[2];
	int ns_fd[2];
	int host_ns;
};

FIXTURE_VARIANT(matrix) {
	enum actor actor;
	int register_errno;	/* writing "namespaces" */
	int policy_errno;	/* opening <nsid>/policy for writing */
};

FIXTURE_VARIANT_ADD(matrix, nobody) { ACTOR_NOBODY, EACCES, EACCES };
FIXTURE_VARIANT_ADD(matrix, userns_root) { ACTOR_USERNS_ROOT, EPERM, EPERM };
FIXTURE_VARIANT_ADD(matrix, root_without_cap_sys_admin) {
	ACTOR_NO_CAP, EPERM, EPERM };
FIXTURE_VARIANT_ADD(matrix, container_root) {
	ACTOR_CONTAINER_ROOT, EPERM, EPERM };

FIXTURE_SETUP(matrix)
{
	char path[96];
	int i;

	self->holder[0] = 0;
	self->holder[1] = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_matrix.%d",
		 getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, make_appraised(self->file, false));
	/* Mount points for pivot_to_tmpfs(). */
	snprintf(path, sizeof(path), "%s/root", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/new", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	self->host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->host_ns);
	for (i = 0; i < 2; i++) {
		self->holder[i] = spawn_ns_holder(&self->ready[i],
						  &self->release[i]);
		ASSERT_LT(0, self->holder[i]);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt",
			 self->holder[i]);
		self->ns_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, self->ns_fd[i]);
		self->nsid[i] = ns_inum(path);
	}
	ASSERT_EQ(0, register_ns(self->nsid[0]));
	ASSERT_EQ(0, load_policy(self->nsid[0], RULE_NS));
}

FIXTURE_TEARDOWN(matrix)
{
	char path[96];
	int i, status;

	/* Each holder has a copy of the other's pipe: close both first. */
	for (i = 0; i < 2; i++)
		if (self->holder[i] > 0)
			close(self->release[i]);
	for (i = 0; i < 2; i++)
		if (self->holder[i] > 0)
			waitpid(self->holder[i], &status, 0);
	unlink(self->file);
	snprintf(path, sizeof(path), "%s/root", self->dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/new", self->dir);
	rmdir(path);
	rmdir(self->dir);
}

/* Becomes the variant's actor; returns 0 or a step number. */
static int become(enum actor actor, int ns_a)
{
	switch (actor) {
	case ACTOR_NOBODY:
		if (setns(ns_a, CLONE_NEWNS))
			return 90;
		return setresuid(65534, 65534, 65534) ? 91 : 0;
	case ACTOR_USERNS_ROOT:
		if (setns(ns_a, CLONE_NEWNS))
			return 90;
		return unshare(CLONE_NEWUSER) ? 92 : 0;
	case ACTOR_NO_CAP:
		if (setns(ns_a, CLONE_NEWNS))
			return 90;
		return drop_cap_sys_admin() ? 93 : 0;
	case ACTOR_CONTAINER_ROOT:
		/*
		 * A container: its user namespace and the mount namespace that
		 * namespace owns are made in A, so it has CAP_SYS_ADMIN over
		 * its own mounts, and A's policy along.
		 */
		if (setns(ns_a, CLONE_NEWNS) ||
		    unshare(CLONE_NEWUSER | CLONE_NEWNS))
			return 94;
		return 0;
	}
	return 95;
}

struct matrix_op {
	enum actor actor;
	int ns_a;
	int host_ns;
	unsigned int nsid;
	const char *path;
	const char *dir;	/* holds path, and root/ and new/ */
	int ns_b;		/* an ungoverned sibling of A */
};

static int op_register(void *data)
{
	struct matrix_op *op = data;
	int err = become(op->actor, op->ns_a);

	return err ? err : -register_ns(op->nsid);
}

static int op_open_policy(void *data)
{
	struct matrix_op *op = data;
	char path[96];
	int err = become(op->actor, op->ns_a), fd;

	if (err)
		return err;
	policy_path(op->nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int op_set_hash(void *data)
{
	struct matrix_op *op = data;
	int err = become(op->actor, op->ns_a);

	return err ? err : -set_ima_hash(op->path, CONTENT, strlen(CONTENT),
					 IMA_ALGO_SHA256, false);
}

static int op_remove_hash(void *data)
{
	struct matrix_op *op = data;
	int err = become(op->actor, op->ns_a);

	if (err)
		return err;
	return removexattr(op->path, "security.ima") ? errno : 0;
}

/*
 * Moves the root to a fresh tmpfs with pivot_root(2), as a container
 * runtime does.  The initramfs root is not a mount with a parent, which
 * pivot_root() needs, so chroot() into a recursive bind of it first.
 * *@old_dir is then @dir in that bind, which ends up detached.
 * Returns 0 or the errno of the step that failed.
 */
static int pivot_to_tmpfs(const char *dir, int *old_dir)
{
	char root[96], new[96];

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(new, sizeof(new), "%s/new", dir);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("/", root, NULL, MS_BIND | MS_REC, NULL) || chdir(root) ||
	    chroot("."))
		return errno;
	*old_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*old_dir < 0 || mount("none", new, "tmpfs", 0, NULL) ||
	    chdir(new) || syscall(SYS_pivot_root, ".", ".") ||
	    umount2(".", MNT_DETACH))
		return errno;
	return 0;
}

/* 0 if opening @name under @dirfd is refused with EACCES. */
static int open_denied_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno != EACCES;
}

/* Tries every way out; returns 0 when the actor stayed governed. */
static int op_escape(void *data)
{
	struct matrix_op *op = data;
	int err = become(op->actor, op->ns_a), dfd, old_dir = -1;

	if (err)
		return err;
	dfd = open(op->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 85;
	if (try_open(op->path) != -EACCES)
		return 80;
	/* setns() to the host's namespace, or to B, needs host privilege. */
	if (!setns(op->host_ns, CLONE_NEWNS))
		return 81;
	if (errno != EPERM)
		return 82;
	if (!setns(op->ns_b, CLONE_NEWNS) || errno != EPERM)
		return 79;
	/*
	 * unshare -m copies A's policy along.  Without CAP_SYS_ADMIN in its
	 * user namespace an actor may not unshare at all, and stays in A.
	 */
	if (unshare(CLONE_NEWNS)) {
		if (errno != EPERM || op->actor == ACTOR_USERNS_ROOT ||
		    op->actor == ACTOR_CONTAINER_ROOT)
			return 83;
		/* Nor raise CAP_SYS_ADMIN again and try once more. */
		if (op->actor == ACTOR_NO_CAP && cap_sys_admin_raisable())
			return 78;
		/* Nor may it pivot_root(). */
		if (!syscall(SYS_pivot_root, ".", ".") || errno != EPERM)
			return 86;
		return 0;
	}
	if (try_open(op->path) != -EACCES)
		return 84;
	/*
	 * pivot_root() changes the root, not the namespace and its policy:
	 * the file stays refused through the mount tree left behind, and
	 * through the one the pivot detached.
	 */
	if (pivot_to_tmpfs(op->dir, &old_dir))
		return 87;
	if (open_denied_at(dfd, "file"))
		return 88;
	if (open_denied_at(old_dir, "file"))
		return 89;
	return 0;
}

TEST_F(matrix, register_namespace)
{
	struct matrix_op op = { variant->actor, self->ns_fd[0], self->host_ns,
				self->nsid[1], self->file };
	char path[64];

	EXPECT_EQ(variant->register_errno, run_child(op_register, &op));
	snprintf(path, sizeof(path), IMA_DIR "/%u", self->nsid[1]);
	EXPECT_EQ(-1, access(path, F_OK));
}

TEST_F(matrix, open_own_policy)
{
	struct matrix_op op = { variant->actor, self->ns_fd[0], self->host_ns,
				self->nsid[0], self->file };

	EXPECT_EQ(variant->policy_errno, run_child(op_open_policy, &op));
}

TEST_F(matrix, open_sibling_policy)
{
	struct matrix_op op = { variant->actor, self->ns_fd[0], self->host_ns,
				self->nsid[1], self->file };

	ASSERT_EQ(0, register_ns(self->nsid[1]));
	EXPECT_EQ(variant->policy_errno, run_child(op_open_policy, &op));
}

TEST_F(matrix, set_hash)
{
	struct matrix_op op = { variant->actor, self->ns_fd[0], self->host_ns,
				self->nsid[0], self->file };

	char before[80], after[80];
	ssize_t n;

	n = getxattr(self->file, "security.ima", before, sizeof(before));
	ASSERT_LT(0, n);
	EXPECT_EQ(EPERM, run_child(op_set_hash, &op));
	ASSERT_EQ(n, getxattr(self->file, "security.ima", after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, n));
}

TEST_F(matrix, remove_hash)
{
	struct matrix_op op = { variant->actor, self->ns_fd[0], self->host_ns,
				self->nsid[0], self->file };

	EXPECT_EQ(EPERM, run_child(op_remove_hash, &op));
	EXPECT_EQ(0, getxattr(self->file, "security.ima", NULL, 0) <= 0);
}

TEST_F(matrix, cannot_escape)
{
	struct matrix_op op = { variant->actor, self->ns_fd[0], self->host_ns,
				self->nsid[0], self->file, self->dir,
				self->ns_fd[1] };

	EXPECT_EQ(0, run_child(op_escape, &op));
}

/* --- Audit of policy events ---------------------------------------------- */

static int register_load_exit(void *data)
{
	unsigned int nsid = enter_registered_ns();

	if (!nsid || load_policy(nsid, "appraise func=MODULE_CHECK\n"))
		return 1;
	*(unsigned int *)data = nsid;
	return 0;
}

TEST(policy_events_audited)
{
	const char *kinds[][6] = {
		{ "type=1802", "op=ns_register", "cause=registered", NULL, "res=1" },
		{ "type=1802", "op=policy_update", "cause=completed", NULL, "res=1" },
		{ "type=1802", "op=ns_unregister", "cause=namespace-freed", NULL,
		  "res=1" },
	};
	unsigned int *nsid;
	char mnt_ns[32];
	int kmsg[3], i;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	nsid = mmap(NULL, sizeof(*nsid), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, nsid);
	/* One reader per kind of record, each from the same point. */
	for (i = 0; i < 3; i++) {
		kmsg[i] = kmsg_open();
		ASSERT_LE(0, kmsg[i]);
	}
	ASSERT_EQ(0, run_child(register_load_exit, nsid));
	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", *nsid);
	for (i = 0; i < 3; i++) {
		char last[1024] = "";

		kinds[i][3] = mnt_ns;
		EXPECT_EQ(1, kmsg_count(kmsg[i], kinds[i], 1000, last,
					sizeof(last)));
		TH_LOG("%s", last);
		close(kmsg[i]);
	}
	munmap(nsid, sizeof(*nsid));
}

/* --- Union with the global policy (last: global rules stay) ------------- */

/*
 * An "fs" test: all of them run, for every file system, before the "ns"
 * one below loads a global rule.
 */
TEST_F(fs, namespace_policy_alone_enforces)
{
	char buf[4096];

	/* No global policy has been loaded in this boot so far. */
	ASSERT_EQ(0, read_file(IMA_DIR "/policy", buf, sizeof(buf)));
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

static int load_global_rule(void *unused)
{
	const char *rule = "appraise fsmagic=0x1021994 fowner=71453\n";

	return write_file(IMA_DIR "/policy", rule, strlen(rule)) ==
	       (ssize_t)strlen(rule) ? 0 : 1;
}

TEST_F(ns, global_policy_still_applies)
{
	char ns_file[128];

	snprintf(ns_file, sizeof(ns_file), "%s/ns_file", self->dir);
	ASSERT_EQ(0, make_appraised(self->file, false));
	ASSERT_EQ(0, chown(self->file, OWNER_GLOBAL, OWNER_GLOBAL));
	ASSERT_EQ(0, make_appraised(ns_file, false));
	/* The namespace's own rule is about another owner. */
	ASSERT_EQ(0, load_policy(self->nsid, RULE_NS));
	ASSERT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, as_host(self->host_ns, load_global_rule, NULL));
	/* The global rule governs the host and the namespace alike... */
	EXPECT_EQ(EACCES, as_host(self->host_ns, open_status, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
	/* ...and the namespace's rule still adds to it, for it alone. */
	EXPECT_EQ(-EACCES, try_open(ns_file));
	EXPECT_EQ(0, as_host(self->host_ns, open_status, ns_file));
}

/* --- Booted without enforce_ns: make check's second boot --------------- */

TEST(namespaces_need_enforce_ns)
{
	const char *line[] = { "ima: ", "ima_appraise=enforce_ns", NULL };
	int kmsg;

	if (access(IMA_NAMESPACES, F_OK))
		SKIP(return, "needs CONFIG_IMA_NS");
	if (ima_ns_available())
		SKIP(return, "booted with ima_appraise=enforce_ns");
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	EXPECT_EQ(-EOPNOTSUPP, register_ns(current_mnt_ns()));
	EXPECT_EQ(-EOPNOTSUPP, register_ns(current_mnt_ns()));
	/* One log line in the whole boot names the missing parameter. */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	EXPECT_EQ(1, kmsg_count(kmsg, line, 200, NULL, 0));
	close(kmsg);
}

TEST(global_appraisal_unchanged)
{
	const char *rule = "appraise fsmagic=0x1021994 fowner=71455\n";
	const char *rec[] = { "type=1800", "op=appraise_data",
			      "cause=invalid-hash", "res=0", NULL };
	char dir[64], good[96], bad[96], last[1024] = "";
	int kmsg;

	if (!ima_appraise_mode_is("enforce"))
		SKIP(return, "needs a boot with ima_appraise=enforce");
	snprintf(dir, sizeof(dir), "/tmp/ima_ns_global.%d", getpid());
	snprintf(good, sizeof(good), "%s/good", dir);
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, make_file(good, CONTENT, strlen(CONTENT), 71455, 0644));
	ASSERT_EQ(0, set_ima_hash(good, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, false));
	ASSERT_EQ(0, make_file(bad, CONTENT, strlen(CONTENT), 71455, 0644));
	ASSERT_EQ(0, set_ima_hash(bad, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, true));
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(strlen(rule), write_file(IMA_DIR "/policy", rule,
					   strlen(rule)));
	EXPECT_EQ(0, try_open(good));
	EXPECT_EQ(-EACCES, try_open(bad));
	/* Stock record: no namespace governs this task, so no mnt_ns=. */
	EXPECT_EQ(1, kmsg_count(kmsg, rec, 1000, last, sizeof(last)));
	EXPECT_EQ(NULL, strstr(last, "mnt_ns="));
	TH_LOG("%s", last);
	close(kmsg);
	unlink(good);
	unlink(bad);
	rmdir(dir);
}

TEST_HARNESS_MAIN
