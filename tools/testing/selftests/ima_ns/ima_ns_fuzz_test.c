// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded fuzzing of the IMA namespace write interfaces: "namespaces" and
 * "<nsid>/policy".  Every write must succeed or fail with an errno the
 * documentation names, and a rejected batch must leave the policy as it
 * was.  IMA_NS_FUZZ_WRITES (default 100000) and IMA_NS_FUZZ_SEED (default:
 * the time) come from the environment; the seed is printed for replay.
 */

#define _GNU_SOURCE
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "common.h"

#define PAGE		4096
#define POLICY_MAX	(256 * 1024)

static unsigned long long rng_state;

static unsigned long long rng(void)
{
	/* xorshift64*: small, seedable, good enough for fuzzing. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned int pick(unsigned int n)
{
	return rng() % n;
}

static const char *const valid_rules[] = {
	"appraise fsmagic=0x01021994 fowner=71452\n",
	"appraise func=MODULE_CHECK\n",
	"appraise func=BPRM_CHECK mask=MAY_EXEC uid=0\n",
	"dont_appraise fsmagic=0x9fa0\n",
	"appraise func=FILE_CHECK fgroup=100 appraise_type=imasig\n",
	"appraise func=MMAP_CHECK fsname=tmpfs appraise_algos=sha256,sha512\n",
	"appraise fsuuid=6a6e3b4b-7d1f-4e0a-9a29-5cbe5f7c4d21 euid>1000\n",
	"measure func=FILE_CHECK\n",
	"# a comment\n",
	"\n",
};

/* Fills @buf with a mutated version of a valid rule; returns its length. */
static size_t mutated_rule(char *buf, size_t size)
{
	const char *base = valid_rules[pick(ARRAY_SIZE(valid_rules))];
	size_t len = strlen(base);
	int n = pick(4);

	memcpy(buf, base, len + 1);
	while (n-- > 0 && len) {
		size_t at = pick(len);

		switch (pick(3)) {
		case 0:
			buf[at] = pick(256);
			break;
		case 1:
			memmove(buf + at, buf + at + 1, len - at);
			len--;
			break;
		default:
			if (len + 1 < size) {
				memmove(buf + at + 1, buf + at, len - at + 1);
				buf[at] = " =,<>\t\n0aZ"[pick(11)];
				len++;
			}
		}
	}
	return len;
}

static size_t random_bytes(char *buf, size_t max)
{
	size_t len = pick(max + 1);

	for (size_t i = 0; i < len; i++)
		buf[i] = pick(4) ? pick(256) : "0123456789\n\0-+ "[pick(16)];
	return len;
}

static bool namespaces_errno_ok(int err)
{
	return err == EINVAL || err == ENOENT || err == EEXIST;
}

static bool policy_errno_ok(int err)
{
	return err == EINVAL || err == ENOSPC;
}

/* Shared by the test and its two writer processes. */
struct fuzz_stats {
	long writes;
	long ok;
	long rejected;
	long batches;
	long batches_failed;
	long busy;
	long bad;
};

static void stat_inc(long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/*
 * The writers run in child processes, where the harness's EXPECT_*() do
 * not reach the verdict: count and log violations instead.
 */
#define CHECK(st, cond, fmt, ...) do {					\
	if (!(cond)) {							\
		stat_inc(&(st)->bad);					\
		printf("# fuzz: %s: " fmt "\n", #cond, ##__VA_ARGS__);	\
		fflush(stdout);						\
	}								\
} while (0)

FIXTURE(fuzz) {
	struct fuzz_stats *st;
	long writes;
	unsigned long long seed;
};

FIXTURE_SETUP(fuzz)
{
	const char *v;

	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->st = mmap(NULL, sizeof(*self->st), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->st);
	v = getenv("IMA_NS_FUZZ_WRITES");
	self->writes = v && *v ? strtol(v, NULL, 10) : 100000;
	v = getenv("IMA_NS_FUZZ_SEED");
	self->seed = v && *v ? strtoull(v, NULL, 0) :
			       (unsigned long long)time(NULL) * 2654435761ULL;
	if (!self->seed)
		self->seed = 1;
	printf("# STAT fuzz_seed %llu\n", self->seed);
	fflush(stdout);
	rng_state = self->seed;
}

FIXTURE_TEARDOWN(fuzz)
{
}

/* One namespaces write: bad ids, mutated live ids, offsets. */
static void fuzz_namespaces(struct fuzz_stats *st, unsigned int live)
{
	char buf[64];
	size_t len;
	ssize_t ret;
	int fd;

	if (pick(2)) {
		len = random_bytes(buf, 24);
	} else {
		len = snprintf(buf, sizeof(buf), "%u\n", live);
		if (len && pick(2))
			buf[pick(len)] = "0123456789 \0x-\n"[pick(15)];
	}
	fd = open(IMA_NAMESPACES, O_WRONLY | O_CLOEXEC);
	CHECK(st, fd >= 0, "open: %s", strerror(errno));
	if (fd < 0)
		return;
	if (!pick(16))
		lseek(fd, 1 + pick(8), SEEK_SET);
	ret = write(fd, buf, len);
	stat_inc(&st->writes);
	if (ret >= 0) {
		stat_inc(&st->ok);
	} else {
		stat_inc(&st->rejected);
		CHECK(st, namespaces_errno_ok(errno),
		      "namespaces write of %zu bytes: %s", len, strerror(errno));
	}
	close(fd);
}

static int try_second_writer(void *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/*
 * One batch of policy writes, committed at close.  Returns the number of
 * writes made.
 */
static long fuzz_policy_batch(struct fuzz_stats *st, unsigned int nsid,
			      char *before, char *after, char *buf)
{
	char path[96];
	bool failed = false;
	int fd, n, i;
	long writes = 0;
	ssize_t blen, alen;

	policy_path(nsid, path, sizeof(path));
	blen = read_file(path, before, POLICY_MAX);
	CHECK(st, blen >= 0, "read %s: %s", path, strerror(-blen));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(st, fd >= 0, "open %s: %s", path, strerror(errno));
	if (blen < 0 || fd < 0)
		return 1;
	if (!pick(32)) {
		int err = run_child(try_second_writer, path);

		CHECK(st, err == EBUSY, "second writer got %d", err);
		stat_inc(&st->busy);
	}
	n = 1 + pick(8);
	for (i = 0; i < n; i++) {
		size_t len;
		loff_t off = 0;
		ssize_t ret;

		switch (pick(8)) {
		case 0:
			len = random_bytes(buf, 64);
			break;
		case 1:
			/* Exactly a page, a page and one, or more. */
			len = PAGE - 1 + pick(3);
			memset(buf, 'a', len);
			memcpy(buf, "appraise ", 9);
			buf[len - 1] = '\n';
			break;
		case 2:
			/* A valid rule split across two writes. */
			len = snprintf(buf, PAGE, "%s", valid_rules[0]);
			len = 1 + pick(len - 1);
			break;
		case 3:
			off = 1 + pick(100);
			len = mutated_rule(buf, PAGE);
			break;
		default:
			len = mutated_rule(buf, PAGE);
		}
		ret = off ? pwrite(fd, buf, len, off) : write(fd, buf, len);
		writes++;
		stat_inc(&st->writes);
		if (ret >= 0) {
			stat_inc(&st->ok);
			continue;
		}
		failed = true;
		stat_inc(&st->rejected);
		CHECK(st, policy_errno_ok(errno),
		      "policy write of %zu bytes at %lld: %s", len,
		      (long long)off, strerror(errno));
	}
	CHECK(st, close(fd) == 0, "close: %s", strerror(errno));
	stat_inc(&st->batches);
	alen = read_file(path, after, POLICY_MAX);
	CHECK(st, alen >= 0, "read back: %s", strerror(-alen));
	if (failed) {
		/* A rejected batch leaves the previous policy in force. */
		stat_inc(&st->batches_failed);
		CHECK(st, !strcmp(before, after), "policy changed by a rejected batch");
	} else {
		CHECK(st, alen >= blen && !strncmp(before, after, blen),
		      "a committed batch lost earlier rules");
	}
	return writes;
}

/*
 * Fuzzed rules may appraise every file the writer opens, the policy files
 * included.  First-match order lets these rules keep the pseudo and
 * initramfs file systems out of any later rule, so the writer cannot lock
 * itself out.
 */
static const char guard_rules[] =
	"dont_appraise fsmagic=0x73636673\n"	/* securityfs */
	"dont_appraise fsmagic=0x9fa0\n"	/* proc */
	"dont_appraise fsmagic=0x62656572\n"	/* sysfs */
	"dont_appraise fsmagic=0x858458f6\n"	/* ramfs */
	"dont_appraise fsmagic=0x01021994\n"	/* tmpfs */
	"dont_appraise fsmagic=0x1373\n";	/* devtmpfs */

static unsigned int fuzz_namespace(void)
{
	unsigned int nsid = enter_registered_ns();

	/*
	 * The other worker's fuzzed writes to ima/namespaces, ids one digit
	 * away from its own, may register the new namespace first.
	 */
	if (!nsid && errno == EEXIST)
		nsid = current_mnt_ns();
	return nsid && !load_policy(nsid, guard_rules) ? nsid : 0;
}

static int fuzz_worker(struct fuzz_stats *st, long budget)
{
	char *before = malloc(POLICY_MAX), *after = malloc(POLICY_MAX);
	char *buf = malloc(2 * PAGE);
	unsigned int nsid = fuzz_namespace();
	long done = 0;

	if (!nsid || !before || !after || !buf)
		return 1;
	while (done < budget) {
		if (pick(4)) {
			done += fuzz_policy_batch(st, nsid, before, after, buf);
		} else {
			fuzz_namespaces(st, nsid);
			done++;
		}
		/* Now and then, move on to a fresh namespace. */
		if (!pick(64)) {
			nsid = fuzz_namespace();
			if (!nsid)
				return 2;
		}
	}
	free(before);
	free(after);
	free(buf);
	return 0;
}

TEST_F_TIMEOUT(fuzz, write_interfaces, 3600)
{
	int status[2];
	pid_t pid[2];
	int i;

	/* Two concurrent writers, each with a stream of its own. */
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			rng_state = self->seed + i;
			_exit(fuzz_worker(self->st, self->writes / 2));
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status[i], 0));
		EXPECT_TRUE(WIFEXITED(status[i]));
		EXPECT_EQ(0, WEXITSTATUS(status[i]));
	}
	EXPECT_EQ(0, self->st->bad);
	EXPECT_LE(self->writes, self->st->writes);
	TH_LOG("seed=%llu writes=%ld ok=%ld rejected=%ld batches=%ld failed_batches=%ld busy=%ld",
	       self->seed, self->st->writes, self->st->ok, self->st->rejected,
	       self->st->batches, self->st->batches_failed, self->st->busy);
	printf("# STAT fuzz_writes %ld\n", self->st->writes);
}

TEST_HARNESS_MAIN
