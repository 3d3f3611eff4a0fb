// SPDX-License-Identifier: GPL-2.0
/*
 * IMA namespace policies under churn: namespaces created, registered and
 * torn down at container speed while other tasks keep appraising files.
 *
 * Counts come from the environment so that make check can run a short
 * pass and make stress the full one: IMA_NS_CYCLES (default 10000) and
 * IMA_NS_PEAK (default 200).
 */

#define _GNU_SOURCE
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "common.h"

#define CONTENT		"stress me\n"
#define OWNER_BASE	72000

static long env_count(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : def;
}

/* Shared between the test and its workers. */
struct stress_state {
	int stop;	/* read and written with __atomic builtins */
	long cycles;
	long churn_opens;
	long churn_rules;
	long churn_namespaces;
	long failures;
	long peak;
};

FIXTURE(stress) {
	char dir[64];
	char good[96];
	char bad[96];
	struct stress_state *st;
};

FIXTURE_SETUP(stress)
{
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->st = mmap(NULL, sizeof(*self->st), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->st);
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_stress.%d",
		 getpid());
	snprintf(self->good, sizeof(self->good), "%s/good", self->dir);
	snprintf(self->bad, sizeof(self->bad), "%s/bad", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, make_file(self->good, CONTENT, strlen(CONTENT),
			       OWNER_BASE, 0644));
	ASSERT_EQ(0, set_ima_hash(self->good, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, false));
	ASSERT_EQ(0, make_file(self->bad, CONTENT, strlen(CONTENT),
			       OWNER_BASE, 0644));
	ASSERT_EQ(0, set_ima_hash(self->bad, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, true));
}

FIXTURE_TEARDOWN(stress)
{
	if (self->st == MAP_FAILED || !self->st)
		return;
	unlink(self->good);
	unlink(self->bad);
	rmdir(self->dir);
	munmap(self->st, sizeof(*self->st));
}

static const char rule_base[] =
	"appraise fsmagic=" TMPFS_MAGIC_STR " fowner=72000\n"
	"measure func=FILE_CHECK fsmagic=" TMPFS_MAGIC_STR " fowner=72000\n";

/* How many entries the view of a namespace's policy lists, or -1. */
static int view_entries(unsigned int nsid)
{
	char path[96], buf[256];
	int n = 0;

	snprintf(path, sizeof(path), IMA_DIR "/%u/runtime_measurements_index",
		 nsid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (char *p = buf; *p; p++)
		n += *p == '\n';
	return n;
}

/*
 * One container: a governed namespace that appraises and measures both
 * files, each once, however often it opens them.
 */
static int one_cycle(const char *good, const char *bad)
{
	unsigned int nsid = enter_registered_ns();

	if (!nsid)
		return 1;
	if (load_policy(nsid, rule_base))
		return 2;
	if (try_open(good) || try_open(good))
		return 3;
	if (try_open(bad) != -EACCES)
		return 4;
	if (view_entries(nsid) != 2)
		return 5;
	return 0;
}

/*
 * Keeps opening the files in a governed namespace of its own and appends
 * rules to its policy; at the rule limit it moves to a fresh namespace.
 */
static void churn(struct stress_state *st, const char *good, const char *bad)
{
	unsigned int nsid = enter_registered_ns();
	char rule[96];
	int i = 0;

	if (!nsid || load_policy(nsid, rule_base)) {
		__atomic_add_fetch(&st->failures, 1, __ATOMIC_RELAXED);
		return;
	}
	while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
		int err;

		if (try_open(good) || try_open(bad) != -EACCES)
			__atomic_add_fetch(&st->failures, 1, __ATOMIC_RELAXED);
		st->churn_opens += 2;
		snprintf(rule, sizeof(rule),
			 "appraise fsmagic=" TMPFS_MAGIC_STR " fowner=%d\n",
			 OWNER_BASE + 1 + i++ % 1000);
		err = load_policy(nsid, rule);
		if (err == -ENOSPC) {
			nsid = enter_registered_ns();
			if (!nsid || load_policy(nsid, rule_base))
				__atomic_add_fetch(&st->failures, 1,
						   __ATOMIC_RELAXED);
			st->churn_namespaces++;
		} else if (err) {
			__atomic_add_fetch(&st->failures, 1, __ATOMIC_RELAXED);
		} else {
			st->churn_rules++;
		}
	}
}

TEST_F_TIMEOUT(stress, lifecycle_under_load, 3600)
{
	long cycles = env_count("IMA_NS_CYCLES", 10000);
	pid_t churner;
	int status;
	long i;

	churner = fork();
	ASSERT_LE(0, churner);
	if (churner == 0) {
		churn(self->st, self->good, self->bad);
		_exit(0);
	}
	for (i = 0; i < cycles; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(one_cycle(self->good, self->bad));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) {
			TH_LOG("cycle %ld failed at step %d", i,
			       WEXITSTATUS(status));
		}
		self->st->cycles++;
	}
	__atomic_store_n(&self->st->stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(churner, waitpid(churner, &status, 0));
	EXPECT_EQ(0, self->st->failures);
	TH_LOG("cycles=%ld churn_opens=%ld churn_rules=%ld churn_namespaces=%ld",
	       self->st->cycles, self->st->churn_opens, self->st->churn_rules,
	       self->st->churn_namespaces);
	printf("# STAT cycles %ld\n", self->st->cycles);
}

/* Each of IMA_NS_PEAK namespaces governs files of its own owner only. */
static int peak_member(int idx, int peak, const char *dir, int go_fd,
		       int ready_fd)
{
	char mine[128], other[128], rule[96], c;
	unsigned int nsid;
	int next = (idx + 1) % peak;

	nsid = enter_registered_ns();
	if (!nsid)
		return 1;
	snprintf(rule, sizeof(rule),
		 "appraise fsmagic=" TMPFS_MAGIC_STR " fowner=%d\n",
		 OWNER_BASE + 100 + idx);
	if (load_policy(nsid, rule))
		return 2;
	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &c, 1) != 1)
		return 3;
	snprintf(mine, sizeof(mine), "%s/bad.%d", dir, idx);
	snprintf(other, sizeof(other), "%s/bad.%d", dir, next);
	for (int i = 0; i < 20; i++) {
		if (try_open(mine) != -EACCES)
			return 4;
		/* A neighbour's policy is not ours: its file opens here. */
		if (try_open(other))
			return 5;
	}
	return 0;
}

TEST_F_TIMEOUT(stress, peak_namespaces_isolated, 1200)
{
	int peak = env_count("IMA_NS_PEAK", 200);
	int go[2], ready[2], status, i, listed = 0;
	char path[128], *buf, c;
	pid_t *pids;

	pids = calloc(peak, sizeof(*pids));
	buf = malloc(1 << 20);
	ASSERT_NE(NULL, pids);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < peak; i++) {
		snprintf(path, sizeof(path), "%s/bad.%d", self->dir, i);
		ASSERT_EQ(0, make_file(path, CONTENT, strlen(CONTENT),
				       OWNER_BASE + 100 + i, 0644));
		ASSERT_EQ(0, set_ima_hash(path, CONTENT, strlen(CONTENT),
					  IMA_ALGO_SHA256, true));
	}
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	for (i = 0; i < peak; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			close(go[1]);
			_exit(peak_member(i, peak, self->dir, go[0], ready[1]));
		}
	}
	for (i = 0; i < peak; i++)
		ASSERT_EQ(1, read(ready[0], &c, 1));
	/* All registered at once. */
	ASSERT_LT(0, read_file(IMA_NAMESPACES, buf, 1 << 20));
	for (char *p = buf; *p; p++)
		listed += *p == '\n';
	EXPECT_LE(peak, listed);
	self->st->peak = listed;
	for (i = 0; i < peak; i++)
		ASSERT_EQ(1, write(go[1], "g", 1));
	for (i = 0; i < peak; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status)) {
			TH_LOG("namespace %d failed at step %d", i,
			       WEXITSTATUS(status));
		}
	}
	for (i = 0; i < peak; i++) {
		snprintf(path, sizeof(path), "%s/bad.%d", self->dir, i);
		unlink(path);
	}
	printf("# STAT peak_namespaces %d\n", listed);
	free(buf);
	free(pids);
}

TEST_F_TIMEOUT(stress, unshare_and_setns_never_escape, 600)
{
	long loops = env_count("IMA_NS_CYCLES", 10000) / 10;
	unsigned int nsid;
	int ns_fd;
	long i;

	nsid = enter_registered_ns();
	ASSERT_NE(0, nsid);
	ASSERT_EQ(0, load_policy(nsid, rule_base));
	ns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ns_fd);
	for (i = 0; i < loops; i++) {
		if (i % 2) {
			ASSERT_EQ(0, unshare(CLONE_NEWNS));
		} else {
			ASSERT_EQ(0, setns(ns_fd, CLONE_NEWNS));
		}
		ASSERT_EQ(-EACCES, try_open(self->bad)) {
			TH_LOG("escaped after %ld namespace changes", i);
		}
	}
	close(ns_fd);
}

TEST_F_TIMEOUT(stress, teardown_while_policy_open, 600)
{
	long loops = env_count("IMA_NS_CYCLES", 10000) / 50;
	char path[96], view[96], buf[512], c;
	int p[2], q[2], status, wfd, rfd, vfd;
	long i;

	for (i = 0; i < loops; i++) {
		unsigned int nsid;
		pid_t pid;

		ASSERT_EQ(0, pipe(p));
		ASSERT_EQ(0, pipe(q));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(q[1]);
			if (unshare(CLONE_NEWNS) || write(p[1], "x", 1) != 1)
				_exit(1);
			/* Measured once its policy is in force. */
			_exit(read(q[0], &c, 1) < 0 || try_open(self->good));
		}
		close(q[0]);
		ASSERT_EQ(1, read(p[0], &c, 1));
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
		nsid = ns_inum(path);
		ASSERT_EQ(0, register_ns(nsid));
		ASSERT_EQ(0, load_policy(nsid, rule_base));
		policy_path(nsid, path, sizeof(path));
		wfd = open(path, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, wfd);
		rfd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, rfd);
		snprintf(view, sizeof(view), IMA_DIR "/%u/ascii_runtime_measurements",
			 nsid);
		vfd = open(view, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, vfd);
		/* Half the time, with rules staged. */
		if (i % 2) {
			ASSERT_LT(0, write(wfd, rule_base, strlen(rule_base)));
		}
		close(q[1]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
		EXPECT_EQ(-1, write(wfd, rule_base, strlen(rule_base)));
		EXPECT_EQ(ENOENT, errno);
		EXPECT_LT(0, read(rfd, buf, sizeof(buf)));
		/* The view outlives its namespace while open. */
		EXPECT_LT(0, read(vfd, buf, sizeof(buf)));
		EXPECT_EQ(0, close(wfd));
		EXPECT_EQ(0, close(rfd));
		EXPECT_EQ(0, close(vfd));
		EXPECT_EQ(-1, access(path, F_OK));
		close(p[0]);
		close(p[1]);
	}
}

TEST_HARNESS_MAIN
