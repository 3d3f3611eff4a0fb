// SPDX-License-Identifier: GPL-2.0
/*
 * IMA namespace policies: the per-namespace mode, and audit rules.
 *
 * A namespace policy in log mode appraises as in enforce mode, but a
 * failure that no enforcing policy also appraises is allowed and audited
 * with permissive=1, once per content and policy.  The "mode" file next to
 * the policy file switches it; its interface and privileges are tested
 * here too.  audit rules of a namespace policy log a file's hash once per
 * content and policy.
 *
 * No test here loads a global rule.  Audit records are read from
 * /dev/kmsg, where kauditd puts them when no audit daemon runs.
 */

#define _GNU_SOURCE
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "common.h"
#include "ns_fixture.h"

#define SHA256_HEX_LEN	(2 * SHA256_LEN)

/* How long a record may take to reach /dev/kmsg, and to not come. */
#define RECORD_WAIT_MS	1000
#define NO_RECORD_WAIT_MS	500

static void mode_path(unsigned int nsid, char *buf, size_t size)
{
	snprintf(buf, size, IMA_DIR "/%u/mode", nsid);
}

/* Writes @mode to the mode file of namespace @nsid; returns 0 or -errno. */
static int set_mode(unsigned int nsid, const char *mode)
{
	char path[64];
	ssize_t ret;

	mode_path(nsid, path, sizeof(path));
	ret = write_file(path, mode, strlen(mode));
	if (ret < 0)
		return ret;
	return ret == (ssize_t)strlen(mode) ? 0 : -EIO;
}

/* Asserts that namespace @nsid has a mode file. */
static void assert_mode_file(struct __test_metadata *_metadata,
			     unsigned int nsid)
{
	char path[64];

	mode_path(nsid, path, sizeof(path));
	ASSERT_EQ(0, access(path, F_OK)) {
		TH_LOG("no %s: %s", path, strerror(errno));
	}
}

static void assert_set_mode(struct __test_metadata *_metadata,
			    unsigned int nsid, const char *mode)
{
	int err = set_mode(nsid, mode);

	ASSERT_EQ(0, err) {
		TH_LOG("cannot write \"%s\" to " IMA_DIR "/%u/mode: %s", mode,
		       nsid, strerror(-err));
	}
}

/* Expects the mode file of namespace @nsid to read @want. */
static void expect_mode(struct __test_metadata *_metadata, unsigned int nsid,
			const char *want)
{
	char path[64], buf[64] = "";
	ssize_t len;

	mode_path(nsid, path, sizeof(path));
	len = read_file(path, buf, sizeof(buf));
	EXPECT_EQ((ssize_t)strlen(want), len) {
		TH_LOG("reading %s: %s", path,
		       len < 0 ? strerror(-len) : buf);
	}
	EXPECT_STREQ(want, buf);
}

/* Expects every string of the NULL-terminated @fields in the record @rec. */
static void expect_fields(struct __test_metadata *_metadata, const char *rec,
			  const char *const *fields)
{
	/* No record: the count before said so already. */
	if (!*rec)
		return;
	for (; *fields; fields++) {
		EXPECT_NE(NULL, strstr(rec, *fields)) {
			TH_LOG("no \"%s\" in: %s", *fields, rec);
		}
	}
}

/*
 * Counts the records of audit @type whose @field (name= or file=) is
 * @path, read from @kmsg within @wait_ms; the last one goes to @last.
 */
static int count_file_records(int kmsg, const char *type, const char *field,
			      const char *path, int wait_ms, char *last,
			      size_t size)
{
	char value[192];
	const char *rec[] = { type, value, NULL };

	snprintf(value, sizeof(value), "%s=\"%s\" ", field, path);
	return kmsg_count(kmsg, rec, wait_ms, last, size);
}

/* The type-1800 records about @path. */
static int count_data_records(int kmsg, const char *path, int wait_ms,
			      char *last, size_t size)
{
	return count_file_records(kmsg, "type=1800", "name", path, wait_ms,
				  last, size);
}

/* The type-1805 records of audit rules about @path. */
static int count_rule_records(int kmsg, const char *path, int wait_ms,
			      char *last, size_t size)
{
	return count_file_records(kmsg, "type=1805", "file", path, wait_ms,
				  last, size);
}

/* The same for the ns_mode records of namespace @nsid. */
static int count_mode_records(int kmsg, unsigned int nsid, int wait_ms,
			      char *last, size_t size)
{
	char mnt_ns[32];
	const char *rec[] = { "type=1802", "op=ns_mode", mnt_ns, NULL };

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", nsid);
	return kmsg_count(kmsg, rec, wait_ms, last, size);
}

/*
 * Expects @rec to be the permissive record of a log-mode policy of
 * namespace @nsid about a wrong hash.
 */
static void expect_permissive(struct __test_metadata *_metadata,
			      const char *rec, unsigned int nsid)
{
	char mnt_ns[48];
	const char *fields[] = { "op=appraise_data", "cause=invalid-hash",
				 mnt_ns, "permissive=1 ", "res=0", NULL };

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u mnt_ns_id=", nsid);
	expect_fields(_metadata, rec, fields);
}

/* Expects @rec to be the record of a denial for a wrong hash. */
static void expect_denial(struct __test_metadata *_metadata, const char *rec)
{
	const char *fields[] = { "op=appraise_data", "cause=invalid-hash",
				 "mnt_ns=", "res=0", NULL };

	expect_fields(_metadata, rec, fields);
	EXPECT_EQ(NULL, strstr(rec, "permissive=")) {
		TH_LOG("a denial, yet: %s", rec);
	}
}

/* Expects the ns_mode record @rec for the new @mode and @suppressed. */
static void expect_mode_record(struct __test_metadata *_metadata,
			       const char *rec, unsigned int nsid,
			       const char *mode, int suppressed)
{
	char cause[32], mnt_ns[48], supp[32];
	const char *fields[] = { cause, mnt_ns, supp, "res=1", NULL };

	snprintf(cause, sizeof(cause), "cause=%s ", mode);
	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u mnt_ns_id=", nsid);
	snprintf(supp, sizeof(supp), "suppressed=%d ", suppressed);
	expect_fields(_metadata, rec, fields);
}

/*
 * Puts the sha256 digest of @path in hex in @hex, as sha256sum(1), or
 * busybox's, prints it, run in the host namespace @host_ns where no
 * policy governs it.  Returns 0 or -1.
 */
static int sha256sum(int host_ns, const char *path, char *hex)
{
	char out[256];
	ssize_t len, total = 0;
	int p[2], status, i;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setns(host_ns, CLONE_NEWNS) || dup2(p[1], STDOUT_FILENO) < 0)
			_exit(126);
		execlp("sha256sum", "sha256sum", path, (char *)NULL);
		execlp("busybox", "busybox", "sha256sum", path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (total < (ssize_t)sizeof(out) - 1 &&
	       (len = read(p[0], out + total, sizeof(out) - 1 - total)) > 0)
		total += len;
	close(p[0]);
	out[total] = '\0';
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	/* "<64 hex digits>  <path>\n" */
	for (i = 0; i < SHA256_HEX_LEN; i++)
		if (!out[i] || !strchr("0123456789abcdef", out[i]))
			return -1;
	if (out[SHA256_HEX_LEN] != ' ')
		return -1;
	memcpy(hex, out, SHA256_HEX_LEN);
	hex[SHA256_HEX_LEN] = '\0';
	return 0;
}

/* Expects @rec to be an audit rule's record of @hex for namespace @nsid. */
static void expect_rule_record(struct __test_metadata *_metadata,
			       const char *rec, unsigned int nsid,
			       const char *hex)
{
	char hash[96], mnt_ns[48];
	const char *fields[] = { hash, mnt_ns, NULL };

	snprintf(hash, sizeof(hash), "hash=\"sha256:%s\"", hex);
	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u mnt_ns_id=", nsid);
	expect_fields(_metadata, rec, fields);
}

struct mode_write {
	unsigned int nsid;
	const char *mode;
};

/* For as_host(): writes the mode; 0 or the errno. */
static int write_mode(void *data)
{
	const struct mode_write *w = data;

	return -set_mode(w->nsid, w->mode);
}

/* Opens @path and expects to read back CONTENT. */
static void expect_readable(struct __test_metadata *_metadata,
			    const char *path)
{
	char buf[256];
	ssize_t len = read_file(path, buf, sizeof(buf));

	EXPECT_EQ((ssize_t)strlen(CONTENT), len) {
		TH_LOG("reading %s: %s", path,
		       len < 0 ? strerror(-len) : "other content");
	}
	if (len >= 0) {
		EXPECT_STREQ(CONTENT, buf);
	}
}

/* --- Log mode -------------------------------------------------------- */

TEST_F(fs, log_mode_allows_and_audits)
{
	char good_src[128], good[128], last[2048] = "";
	int kmsg_good;

	snprintf(good_src, sizeof(good_src), "%s/good", self->src_dir);
	snprintf(good, sizeof(good), "%s/good", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, make_appraised(good_src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	assert_set_mode(_metadata, self->nsid, "log");
	expect_mode(_metadata, self->nsid, "log\n");
	kmsg_good = kmsg_open();
	ASSERT_LE(0, kmsg_good);

	expect_readable(_metadata, good);
	expect_readable(_metadata, self->file);
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_permissive(_metadata, last, self->nsid);
	/* A good hash is no failure: nothing to report. */
	EXPECT_EQ(0, count_data_records(kmsg_good, good, 0, NULL, 0));
	close(kmsg_good);
}

TEST_F(fs, mode_switch_applies_to_next_access)
{
	struct mode_write w = { self->nsid, "enforce" };
	char last[2048] = "", mnt_ns[32];
	int n;

	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	assert_set_mode(_metadata, self->nsid, "log");
	expect_readable(_metadata, self->file);
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_permissive(_metadata, last, self->nsid);

	/* The host switches the namespace to enforce mode... */
	ASSERT_EQ(0, as_host(self->host_ns, write_mode, &w));
	expect_mode(_metadata, self->nsid, "enforce\n");
	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", self->nsid);
	EXPECT_EQ(-EACCES, try_open(self->file));
	last[0] = '\0';
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_denial(_metadata, last);
	EXPECT_NE(NULL, strstr(last, mnt_ns)) {
		TH_LOG("no \"%s\" in: %s", mnt_ns, last);
	}

	/* ...and back: the next access is allowed again. */
	w.mode = "log";
	ASSERT_EQ(0, as_host(self->host_ns, write_mode, &w));
	expect_mode(_metadata, self->nsid, "log\n");
	expect_readable(_metadata, self->file);
	/* Whether this content is reported again is not said; not denied. */
	last[0] = '\0';
	n = count_data_records(self->kmsg, self->file, RECORD_WAIT_MS, last,
			       sizeof(last));
	EXPECT_GE(1, n);
	if (n) {
		expect_permissive(_metadata, last, self->nsid);
	}
}

/*
 * A child namespace in log mode copied from a parent in enforce mode: the
 * parent's rule still denies, even where the child's rule matches too.
 */
TEST_F(fs, inherited_enforcing_parent_denies)
{
	char other_src[128], other[128], rule[128], last[2048] = "";
	unsigned int child;

	snprintf(other_src, sizeof(other_src), "%s/other", self->src_dir);
	snprintf(other, sizeof(other), "%s/other", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, make_appraised(other_src, false));
	ASSERT_EQ(0, chown(other_src, OWNER_OTHER, OWNER_OTHER));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));

	child = enter_registered_ns();
	ASSERT_NE(0, child);
	/* Both owners, OWNER_NS and OWNER_OTHER. */
	snprintf(rule, sizeof(rule), "appraise fsmagic=%s fowner>%u\n",
		 self->magic, OWNER_NS - 1);
	ASSERT_EQ(0, load_policy(child, rule));
	assert_set_mode(_metadata, child, "log");
	expect_mode(_metadata, self->nsid, "enforce\n");

	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_denial(_metadata, last);

	/* What only the child's rule covers is allowed and reported. */
	expect_readable(_metadata, other);
	last[0] = '\0';
	EXPECT_EQ(1, count_data_records(self->kmsg, other, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_permissive(_metadata, last, child);
}

/*
 * Counts, on two readers of /dev/kmsg opened before the open of @path,
 * the permissive records of namespace @nsid about @path and its other
 * type-1800 records; the last of each goes to @permissive and @other.
 */
static void count_both(int kmsg[2], const char *path, unsigned int nsid,
		       int *n_permissive, char *permissive, int *n_other,
		       char *other, size_t size)
{
	char name[192], mnt_ns[32];
	const char *perm[] = { "type=1800", name, mnt_ns, "permissive=1 ",
			       NULL };

	snprintf(name, sizeof(name), "name=\"%s\" ", path);
	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", nsid);
	*n_permissive = kmsg_count(kmsg[0], perm, RECORD_WAIT_MS, permissive,
				   size);
	*n_other = count_data_records(kmsg[1], path, NO_RECORD_WAIT_MS, other,
				      size) - *n_permissive;
}

/*
 * A child in log mode that asks more than its enforcing parent: a
 * signature where the parent wants a hash.  The access is appraised under
 * both, the child's failure reported, and appraised again under the
 * parent's rule alone, which decides.
 */
TEST_F(fs, log_child_stricter_than_enforcing_parent)
{
	char bad_src[128], bad[128], last[2048] = "", other[2048] = "";
	int kmsg[2], n_perm, n_other, i;
	unsigned int child;

	snprintf(bad_src, sizeof(bad_src), "%s/bad", self->src_dir);
	snprintf(bad, sizeof(bad), "%s/bad", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, make_appraised(bad_src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));

	child = enter_registered_ns();
	ASSERT_NE(0, child);
	ASSERT_EQ(0, load_policy(child, fs_rule(self, "appraise_type=imasig")));
	assert_set_mode(_metadata, child, "log");

	/* A good hash, no signature: allowed, the child's failure reported. */
	for (i = 0; i < 2; i++) {
		kmsg[0] = kmsg_open();
		kmsg[1] = kmsg_open();
		ASSERT_LE(0, kmsg[1]);
		expect_readable(_metadata, self->file);
		count_both(kmsg, self->file, child, &n_perm, last, &n_other,
			   other, sizeof(last));
		/* Once per content and policy. */
		EXPECT_EQ(i ? 0 : 1, n_perm);
		EXPECT_EQ(0, n_other) {
			TH_LOG("%s", other);
		}
		if (!i) {
			EXPECT_NE(NULL, strstr(last, "cause=IMA-signature-required ")) {
				TH_LOG("%s", last);
			}
		}
		close(kmsg[0]);
		close(kmsg[1]);
	}

	/* A wrong hash: reported for the child, denied by the parent. */
	kmsg[0] = kmsg_open();
	kmsg[1] = kmsg_open();
	ASSERT_LE(0, kmsg[1]);
	EXPECT_EQ(-EACCES, try_open(bad));
	count_both(kmsg, bad, child, &n_perm, last, &n_other, other,
		   sizeof(last));
	EXPECT_EQ(1, n_perm);
	EXPECT_EQ(1, n_other);
	expect_denial(_metadata, other);
	close(kmsg[0]);
	close(kmsg[1]);
}

/*
 * A hook-specific log-mode rule that asks more than the parent's generic
 * rule: the exec is appraised under both, reported, and appraised again
 * under the parent's rule for the hook the exec has, which lets it run.
 * An audit rule for that hook audits the program, under the generic
 * appraise rule too.
 */
TEST_F(fs, log_exec_rule_stricter_than_enforcing_parent)
{
	const char script[] = "#!/bin/sh\nexit 7\n";
	char rules[384], hex[SHA256_HEX_LEN + 1], last[2048] = "";
	unsigned int child;
	int kmsg_rule;

	ASSERT_EQ(0, make_file(self->src, script, strlen(script), OWNER_NS,
			       0755));
	ASSERT_EQ(0, set_ima_hash(self->src, script, strlen(script),
				  IMA_ALGO_SHA256, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	ASSERT_EQ(0, sha256sum(self->host_ns, self->file, hex));

	child = enter_registered_ns();
	ASSERT_NE(0, child);
	snprintf(rules, sizeof(rules), "%s",
		 fs_rule(self, "func=BPRM_CHECK appraise_type=imasig"));
	snprintf(rules + strlen(rules), sizeof(rules) - strlen(rules), "%s",
		 fs_rule_action(self, "audit", "func=BPRM_CHECK", OWNER_NS));
	ASSERT_EQ(0, load_policy(child, rules));
	assert_set_mode(_metadata, child, "log");
	kmsg_rule = kmsg_open();
	ASSERT_LE(0, kmsg_rule);

	/* The parent's hash passes: the program runs, every time. */
	EXPECT_EQ(7, exec_status(self->file));
	EXPECT_EQ(7, exec_status(self->file));
	/* The child's missing signature is reported, once. */
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file,
					RECORD_WAIT_MS, last, sizeof(last)));
	EXPECT_NE(NULL, strstr(last, "cause=IMA-signature-required ")) {
		TH_LOG("%s", last);
	}
	expect_fields(_metadata, last,
		      (const char *[]){ "permissive=1 ", NULL });
	/* The exec is audited, with the program's digest. */
	last[0] = '\0';
	EXPECT_EQ(1, count_rule_records(kmsg_rule, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_rule_record(_metadata, last, child, hex);
	close(kmsg_rule);
}

struct sibling {
	char rule[256];
	char path[96];
	unsigned int nsid;
};

/*
 * For as_host(): registers a new namespace, a sibling of the test's, with
 * the rule in log mode, and opens the file.  Returns the errno of the
 * open, 0, or a step number from 200 on.
 */
static int open_in_log_sibling(void *data)
{
	struct sibling *s = data;

	s->nsid = enter_registered_ns();
	if (!s->nsid)
		return 200;
	if (load_policy(s->nsid, s->rule))
		return 201;
	if (set_mode(s->nsid, "log"))
		return 202;
	return -try_open(s->path);
}

TEST_F(fs, log_reports_once_per_content_and_policy)
{
	char last[2048] = "";
	struct sibling *sib;
	int i;

	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	assert_set_mode(_metadata, self->nsid, "log");
	EXPECT_EQ(1, count_mode_records(self->kmsg, self->nsid, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_mode_record(_metadata, last, self->nsid, "log", 0);

	/* Four accesses, one in a copy of the namespace: one report. */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, try_open(self->file));
	EXPECT_EQ(0, run_child(unshare_and_open, self->file));
	last[0] = '\0';
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_permissive(_metadata, last, self->nsid);

	/* The next mode write counts the three repeats. */
	assert_set_mode(_metadata, self->nsid, "log");
	last[0] = '\0';
	EXPECT_EQ(1, count_mode_records(self->kmsg, self->nsid, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_mode_record(_metadata, last, self->nsid, "log", 3);

	/* New content, still with a wrong hash: reported again. */
	ASSERT_EQ(0, as_host(self->host_ns, append_byte, self->file));
	EXPECT_EQ(0, try_open(self->file));
	last[0] = '\0';
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_permissive(_metadata, last, self->nsid);

	/* Another log-mode namespace gets a report of its own. */
	sib = mmap(NULL, sizeof(*sib), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sib);
	snprintf(sib->rule, sizeof(sib->rule), "%s", self->rule);
	snprintf(sib->path, sizeof(sib->path), "%s", self->file);
	EXPECT_EQ(0, as_host(self->host_ns, open_in_log_sibling, sib));
	ASSERT_NE(0, sib->nsid);
	last[0] = '\0';
	EXPECT_EQ(1, count_data_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_permissive(_metadata, last, sib->nsid);
	munmap(sib, sizeof(*sib));
}

/*
 * A writer in log mode of a file that failed does not bless it: the hash
 * stays as it was, written to or not, and enforce mode denies the file.
 */
TEST_F(fs, log_writer_does_not_bless)
{
	unsigned char before[2][64], after[2][64];
	char written_src[128], written[128];
	const char *path[2] = { self->file, written };
	ssize_t len[2];
	int fd, i;

	snprintf(written_src, sizeof(written_src), "%s/written",
		 self->src_dir);
	snprintf(written, sizeof(written), "%s/written", self->dir);
	ASSERT_EQ(0, make_appraised(self->src, false));
	ASSERT_EQ(0, make_appraised(written_src, false));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	assert_set_mode(_metadata, self->nsid, "log");
	for (i = 0; i < 2; i++) {
		len[i] = getxattr(path[i], "security.ima", before[i],
				  sizeof(before[i]));
		ASSERT_EQ(2 + SHA256_LEN, len[i]);
	}

	fd = open(self->file, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	fd = open(written, O_RDWR | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "more", 4));
	ASSERT_EQ(0, close(fd));

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(len[i], getxattr(path[i], "security.ima", after[i],
					   sizeof(after[i])));
		EXPECT_EQ(0, memcmp(before[i], after[i], len[i])) {
			TH_LOG("%s: security.ima rewritten", path[i]);
		}
	}
	assert_set_mode(_metadata, self->nsid, "enforce");
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, try_open(written));
}

/*
 * In a sibling registered from the host, in log mode, whose rule wants a
 * signature: opens @s->path for write, which fails appraisal and is let
 * go, tells @ready, waits for @go, writes and closes.  Exits with 0 or a
 * step number from 200 on.
 */
static void log_sibling_writer(struct sibling *s, int host_ns, int ready,
			       int go)
{
	char c;
	int fd;

	if (setns(host_ns, CLONE_NEWNS))
		_exit(200);
	s->nsid = enter_registered_ns();
	if (!s->nsid || load_policy(s->nsid, s->rule) ||
	    set_mode(s->nsid, "log"))
		_exit(201);
	fd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		_exit(202);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(203);
	if (write(fd, "more", 4) != 4 || close(fd))
		_exit(204);
	_exit(0);
}

/*
 * A writer that only log-mode rules appraised, and that failed them, is no
 * appraised writer: an enforcing namespace's writer, which passed, closing
 * last does not bless what the log-mode writer wrote.
 */
TEST_F(fs, log_writer_not_blessed_by_enforced_writer)
{
	unsigned char before[64], after[64];
	int ready[2], go[2], fd, status;
	struct sibling *sib;
	ssize_t len;
	pid_t pid;
	char c;

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	sib = mmap(NULL, sizeof(*sib), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sib);
	snprintf(sib->rule, sizeof(sib->rule), "%s",
		 fs_rule(self, "appraise_type=imasig"));
	snprintf(sib->path, sizeof(sib->path), "%s", self->file);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		log_sibling_writer(sib, self->host_ns, ready[1], go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* The content is intact: this namespace's writer passes. */
	fd = open(self->file, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	len = getxattr(self->file, "security.ima", before, sizeof(before));
	ASSERT_EQ(2 + SHA256_LEN, len);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The last writer's close. */
	ASSERT_EQ(0, close(fd));

	EXPECT_EQ(len, getxattr(self->file, "security.ima", after,
				sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, len)) {
		TH_LOG("security.ima rewritten over the log-mode writer's bytes");
	}
	EXPECT_EQ(-EACCES, try_open(self->file));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	munmap(sib, sizeof(*sib));
}

/* --- audit rules ------------------------------------------------------- */

TEST_F(fs, audit_rule_logs_hash_once_per_content)
{
	char hex[SHA256_HEX_LEN + 1], new_hex[SHA256_HEX_LEN + 1];
	char last[2048] = "";

	ASSERT_EQ(0, make_file(self->src, CONTENT, strlen(CONTENT), OWNER_NS,
			       0644));
	ASSERT_EQ(0, load_policy(self->nsid,
				 fs_rule_action(self, "audit", "", OWNER_NS)));
	ASSERT_EQ(0, sha256sum(self->host_ns, self->file, hex));

	EXPECT_EQ(0, try_open(self->file));
	EXPECT_EQ(1, count_rule_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_rule_record(_metadata, last, self->nsid, hex);

	/* The same content again: nothing new to log. */
	EXPECT_EQ(0, try_open(self->file));
	EXPECT_EQ(0, count_rule_records(self->kmsg, self->file,
					NO_RECORD_WAIT_MS, NULL, 0));

	/* New content: logged with its own hash. */
	ASSERT_EQ(0, as_host(self->host_ns, append_byte, self->file));
	ASSERT_EQ(0, sha256sum(self->host_ns, self->file, new_hex));
	ASSERT_STRNE(hex, new_hex);
	EXPECT_EQ(0, try_open(self->file));
	last[0] = '\0';
	EXPECT_EQ(1, count_rule_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_rule_record(_metadata, last, self->nsid, new_hex);
}

/*
 * Each action has its own first matching rule: dont_appraise spares the
 * file from appraisal, not from the audit rule after it.
 */
TEST_F(fs, dont_appraise_still_audited)
{
	char rules[512], hex[SHA256_HEX_LEN + 1], last[2048] = "";
	int kmsg_data;

	ASSERT_EQ(0, make_appraised(self->src, false));
	snprintf(rules, sizeof(rules), "dont_appraise fowner=%u\n%saudit fowner=%u\n",
		 OWNER_NS, self->rule, OWNER_NS);
	ASSERT_EQ(0, load_policy(self->nsid, rules));
	ASSERT_EQ(0, sha256sum(self->host_ns, self->file, hex));
	kmsg_data = kmsg_open();
	ASSERT_LE(0, kmsg_data);

	expect_readable(_metadata, self->file);
	EXPECT_EQ(1, count_rule_records(self->kmsg, self->file, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_rule_record(_metadata, last, self->nsid, hex);
	EXPECT_EQ(0, count_data_records(kmsg_data, self->file, 0, NULL, 0));
	close(kmsg_data);
}

/* --- The grammar of namespace policies ---------------------------------- */

FIXTURE(refused_action) {
	unsigned int nsid;
	int kmsg;
};

FIXTURE_VARIANT(refused_action) {
	const char *rule;
};

/* Measure rules stand, but not with a template that cannot name the policy. */
FIXTURE_VARIANT_ADD(refused_action, measure_template_ima_ng) {
	"measure func=FILE_CHECK template=ima-ng\n" };
/* Nor for buffers, which only the global policy measures. */
FIXTURE_VARIANT_ADD(refused_action, measure_key_check) {
	"measure func=KEY_CHECK\n" };
FIXTURE_VARIANT_ADD(refused_action, dont_measure_critical_data) {
	"dont_measure func=CRITICAL_DATA\n" };
FIXTURE_VARIANT_ADD(refused_action, hash) { "hash func=FILE_CHECK\n" };
FIXTURE_VARIANT_ADD(refused_action, dont_hash) {
	"dont_hash fsmagic=0x1021994\n" };
FIXTURE_VARIANT_ADD(refused_action, dont_audit) {
	"dont_audit fowner=71452\n" };

FIXTURE_SETUP(refused_action)
{
	self->nsid = 0;
	self->kmsg = -1;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(refused_action)
{
	if (self->kmsg >= 0)
		close(self->kmsg);
}

TEST_F(refused_action, batch_rejected_previous_rules_stay)
{
	const char *good = "appraise func=BPRM_CHECK\n";
	char path[96], buf[4096] = "", mnt_ns[32];
	const char *failed[] = { "type=1802", "op=policy_update",
				 "cause=failed", mnt_ns, NULL };
	ssize_t len;
	int fd;

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", self->nsid);
	ASSERT_EQ(0, load_policy(self->nsid, "appraise func=MODULE_CHECK\n"));

	/* An accepted rule, then the refused one: the whole batch goes. */
	policy_path(self->nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ((ssize_t)strlen(good), write(fd, good, strlen(good)));
	EXPECT_EQ(-1, write(fd, variant->rule, strlen(variant->rule)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(1, kmsg_count(self->kmsg, failed, RECORD_WAIT_MS, NULL, 0));

	/* Without CONFIG_IMA_READ_POLICY the policy cannot be read back. */
	len = read_file(path, buf, sizeof(buf));
	if (len == -EACCES)
		SKIP(return, "no CONFIG_IMA_READ_POLICY: rules not read back");
	EXPECT_LT(0, len);
	EXPECT_STREQ("appraise func=MODULE_CHECK \n", buf);
}

TEST_F(ns, audit_rules_accepted)
{
	const char *shown =
		"audit fsmagic=0x1021994 fowner=71452 \n"
		"dont_appraise fowner=71452 \n"
		"audit func=FILE_CHECK fowner=71452 \n";
	char path[96], buf[4096] = "";
	ssize_t len;
	int err;

	err = load_policy(self->nsid, "audit fsmagic=0x1021994 fowner=71452\n");
	EXPECT_EQ(0, err) {
		TH_LOG("audit rule refused: %s", strerror(-err));
	}
	err = load_policy(self->nsid,
			  "dont_appraise fowner=71452\naudit func=FILE_CHECK fowner=71452\n");
	EXPECT_EQ(0, err) {
		TH_LOG("dont_appraise and audit refused: %s", strerror(-err));
	}
	policy_path(self->nsid, path, sizeof(path));
	len = read_file(path, buf, sizeof(buf));
	if (len == -EACCES)
		SKIP(return, "no CONFIG_IMA_READ_POLICY: rules not read back");
	EXPECT_STREQ(shown, buf);
}

/* --- The mode file ------------------------------------------------------ */

TEST_F(ns, new_namespace_starts_enforce)
{
	char last[2048] = "";
	unsigned int child;
	char path[64];

	assert_mode_file(_metadata, self->nsid);
	expect_mode(_metadata, self->nsid, "enforce\n");
	/* Writing the mode in force is accepted, and audited. */
	mode_path(self->nsid, path, sizeof(path));
	EXPECT_EQ(7, write_file(path, "enforce", 7));
	EXPECT_EQ(1, count_mode_records(self->kmsg, self->nsid, RECORD_WAIT_MS,
					last, sizeof(last)));
	expect_mode_record(_metadata, last, self->nsid, "enforce", 0);

	/* A child registered from a log-mode namespace starts in enforce. */
	assert_set_mode(_metadata, self->nsid, "log");
	child = enter_registered_ns();
	ASSERT_NE(0, child);
	expect_mode(_metadata, child, "enforce\n");
	expect_mode(_metadata, self->nsid, "log\n");
}

TEST_F(ns, mode_newline_optional)
{
	static const char *const writes[] = { "log", "enforce\n", "log\n",
					       "enforce" };
	char path[64], last[2048] = "";
	int i;

	assert_mode_file(_metadata, self->nsid);
	mode_path(self->nsid, path, sizeof(path));
	for (i = 0; i < 4; i++) {
		const char *mode = writes[i];
		bool log = mode[0] == 'l';

		EXPECT_EQ((ssize_t)strlen(mode),
			  write_file(path, mode, strlen(mode))) {
			TH_LOG("writing \"%s\"", mode);
		}
		expect_mode(_metadata, self->nsid, log ? "log\n" : "enforce\n");
		last[0] = '\0';
		EXPECT_EQ(1, count_mode_records(self->kmsg, self->nsid,
						RECORD_WAIT_MS, last,
						sizeof(last)));
		expect_mode_record(_metadata, last, self->nsid,
				   log ? "log" : "enforce", 0);
	}
}

FIXTURE(bad_mode) {
	unsigned int nsid;
};

FIXTURE_VARIANT(bad_mode) {
	const char *input;
	size_t len;
};

#define BAD_MODE(_name, _input) \
	FIXTURE_VARIANT_ADD(bad_mode, _name) { _input, sizeof(_input) - 1 }

BAD_MODE(empty, "");
BAD_MODE(newline_only, "\n");
BAD_MODE(permissive, "permissive");
BAD_MODE(capitalised, "Log");
BAD_MODE(two_newlines, "log\n\n");
BAD_MODE(trailing_space, "log ");
BAD_MODE(leading_space, " log");
BAD_MODE(carriage_return, "log\r\n");
BAD_MODE(two_modes, "enforce\nlog");
BAD_MODE(seventeen_bytes, "logloglogloglogxx");
BAD_MODE(long_prefix_of_enforce, "enforcement");
BAD_MODE(embedded_nul, "log\0");
BAD_MODE(nul_before_newline, "enforce\0\n");

FIXTURE_SETUP(bad_mode)
{
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
	assert_mode_file(_metadata, self->nsid);
}

FIXTURE_TEARDOWN(bad_mode) {}

TEST_F(bad_mode, einval_mode_unchanged)
{
	char path[64];

	mode_path(self->nsid, path, sizeof(path));
	EXPECT_EQ(-EINVAL, write_file(path, variant->input, variant->len));
	expect_mode(_metadata, self->nsid, "enforce\n");
	/* Nor does it fall back to enforce. */
	assert_set_mode(_metadata, self->nsid, "log");
	EXPECT_EQ(-EINVAL, write_file(path, variant->input, variant->len));
	expect_mode(_metadata, self->nsid, "log\n");
}

TEST_F(ns, mode_write_at_offset_einval)
{
	char path[64];
	int fd;

	mode_path(self->nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("opening %s: %s", path, strerror(errno));
	}
	EXPECT_EQ(-1, pwrite(fd, "log", 3, 1));
	EXPECT_EQ(EINVAL, errno);
	expect_mode(_metadata, self->nsid, "enforce\n");
	/* For the offset alone: the same write at 0 is taken. */
	EXPECT_EQ(3, pwrite(fd, "log", 3, 0));
	expect_mode(_metadata, self->nsid, "log\n");
	close(fd);
}

/* --- Who may read and write the mode ----------------------------------- */

TEST_F(ns, mode_file_attributes)
{
	char path[64];
	struct stat st;

	mode_path(self->nsid, path, sizeof(path));
	ASSERT_EQ(0, stat(path, &st)) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	EXPECT_EQ(0100600, st.st_mode);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	EXPECT_EQ(-1, open(path, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(EACCES, errno);
	expect_mode(_metadata, self->nsid, "enforce\n");
}

enum mode_actor {
	MODE_ACTOR_NOBODY,		/* an unprivileged user */
	MODE_ACTOR_USERNS_ROOT,		/* root in a user namespace of its own */
	MODE_ACTOR_NO_CAP,		/* root without CAP_SYS_ADMIN */
	MODE_ACTOR_CONTAINER_ROOT,	/* root of a user and mount namespace */
};

FIXTURE(mode_priv) {
	unsigned int nsid;
};

FIXTURE_VARIANT(mode_priv) {
	enum mode_actor actor;
	int write_errno;	/* opening the mode file to write "enforce" */
	int read_errno;		/* opening it to read */
};

/* Mode 0600 keeps other users from opening the file at all. */
FIXTURE_VARIANT_ADD(mode_priv, nobody) { MODE_ACTOR_NOBODY, EACCES, EACCES };
FIXTURE_VARIANT_ADD(mode_priv, userns_root) {
	MODE_ACTOR_USERNS_ROOT, EPERM, EPERM };
FIXTURE_VARIANT_ADD(mode_priv, root_without_cap_sys_admin) {
	MODE_ACTOR_NO_CAP, EPERM, EPERM };
FIXTURE_VARIANT_ADD(mode_priv, container_root) {
	MODE_ACTOR_CONTAINER_ROOT, EPERM, EPERM };

FIXTURE_SETUP(mode_priv)
{
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
	/* Not the default: a refused write of "enforce" shows. */
	assert_set_mode(_metadata, self->nsid, "log");
}

FIXTURE_TEARDOWN(mode_priv) {}

struct mode_op {
	enum mode_actor actor;
	unsigned int nsid;
	int flags;		/* O_WRONLY: write "enforce"; O_RDONLY: read */
};

/* Becomes @actor; returns 0 or a step number. */
static int become_mode_actor(enum mode_actor actor)
{
	switch (actor) {
	case MODE_ACTOR_NOBODY:
		return setresuid(65534, 65534, 65534) ? 91 : 0;
	case MODE_ACTOR_USERNS_ROOT:
		return unshare(CLONE_NEWUSER) ? 92 : 0;
	case MODE_ACTOR_NO_CAP:
		return drop_cap_sys_admin() ? 93 : 0;
	case MODE_ACTOR_CONTAINER_ROOT:
		return unshare(CLONE_NEWUSER | CLONE_NEWNS) ? 94 : 0;
	}
	return 95;
}

/* For run_child(): the errno of the actor's open or access, or 0. */
static int op_mode(void *data)
{
	struct mode_op *op = data;
	int err = become_mode_actor(op->actor), fd;
	char path[64], buf[16];
	ssize_t ret;

	if (err)
		return err;
	mode_path(op->nsid, path, sizeof(path));
	fd = open(path, op->flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (op->flags == O_WRONLY)
		ret = write(fd, "enforce", 7);
	else
		ret = read(fd, buf, sizeof(buf));
	err = ret < 0 ? errno : 0;
	close(fd);
	return err;
}

TEST_F(mode_priv, refused_mode_unchanged)
{
	struct mode_op op = { variant->actor, self->nsid, O_WRONLY };

	EXPECT_EQ(variant->write_errno, run_child(op_mode, &op));
	expect_mode(_metadata, self->nsid, "log\n");
	op.flags = O_RDONLY;
	EXPECT_EQ(variant->read_errno, run_child(op_mode, &op));
	expect_mode(_metadata, self->nsid, "log\n");
}

/* For run_child(): writes "enforce" to the descriptor as nobody. */
static int write_fd_as_nobody(void *fd)
{
	if (setresuid(65534, 65534, 65534))
		return 100;
	return write(*(int *)fd, "enforce", 7) < 0 ? errno : 0;
}

/* For run_child(): the same without CAP_SYS_ADMIN. */
static int write_fd_without_cap(void *fd)
{
	if (drop_cap_sys_admin())
		return 100;
	return write(*(int *)fd, "enforce", 7) < 0 ? errno : 0;
}

TEST_F(ns, mode_passed_fd_eperm)
{
	char path[64];
	int fd;

	assert_set_mode(_metadata, self->nsid, "log");
	mode_path(self->nsid, path, sizeof(path));
	/* A descriptor opened by root is of no use to an unprivileged task. */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, run_child(write_fd_as_nobody, &fd));
	expect_mode(_metadata, self->nsid, "log\n");
	EXPECT_EQ(EPERM, run_child(write_fd_without_cap, &fd));
	expect_mode(_metadata, self->nsid, "log\n");
	/* Root can still write through it. */
	EXPECT_EQ(7, write(fd, "enforce", 7));
	expect_mode(_metadata, self->nsid, "enforce\n");
	close(fd);
}

/* --- Lifetime ------------------------------------------------------------ */

/* For run_child(): registers a namespace, reports it, waits on p[2]. */
static int register_and_wait(void *pipe_fds)
{
	int *p = pipe_fds;
	unsigned int nsid = enter_registered_ns();
	char c;

	if (!nsid)
		return 1;
	if (write(p[1], &nsid, sizeof(nsid)) != sizeof(nsid))
		return 2;
	return read(p[2], &c, 1) < 0;
}

TEST(mode_file_gone_with_namespace)
{
	int id[2], go[2], fds[3], fd, status, i;
	unsigned int nsid = 0;
	char path[64];
	pid_t pid;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	ASSERT_EQ(0, pipe(id));
	ASSERT_EQ(0, pipe(go));
	fds[0] = id[0];
	fds[1] = id[1];
	fds[2] = go[0];
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(go[1]);
		_exit(register_and_wait(fds));
	}
	close(go[0]);
	close(id[1]);
	ASSERT_EQ(sizeof(nsid), read(id[0], &nsid, sizeof(nsid)));
	mode_path(nsid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("opening %s: %s", path, strerror(errno));
	}

	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	for (i = 0; i < 100 && !access(path, F_OK); i++)
		usleep(10000);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, open(path, O_RDONLY | O_CLOEXEC));
	EXPECT_EQ(ENOENT, errno);
	/* The policy governs nothing any more. */
	EXPECT_EQ(-1, write(fd, "log", 3));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
	close(id[0]);
}

TEST_HARNESS_MAIN
