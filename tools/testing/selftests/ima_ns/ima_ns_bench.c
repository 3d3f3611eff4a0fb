// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of IMA namespace policies: what an appraised open costs under a
 * namespace rule compared with the same rule in the global policy and with
 * no policy, whether ungoverned opens pay for registered namespaces, how
 * first-open hashing compares with the kernel's own sha256, what
 * registering a namespace and appraising an exec cost, with and without
 * many other namespaces alive, whether a signed file that policies with
 * different requirements share keeps its verdicts (scenarios 5 and 6),
 * what the check of setns(2) into a governed namespace costs (scenario 7),
 * what the OCI hook adds to `crun run` (scenario 8), what a first open
 * through overlayfs costs next to the same open on its ext4 lower layer
 * (scenario 9), what a cached open costs in a namespace whose policy is
 * in log mode next to one in enforce mode, and under an audit rule whose
 * record was emitted next to an appraise rule's cached verdict (scenario
 * 10), and what a measure rule in a namespace policy costs next to the
 * same rule in the global policy, for content already measured and for a
 * first measurement (scenario 11).
 *
 * Meant for a guest run by QEMU TCG with -icount shift=0,sleep=off: the
 * guest clock then advances one nanosecond per instruction, so the
 * CLOCK_MONOTONIC figures below count instructions.  Elsewhere they are
 * plain nanoseconds.  `make bench` runs it; it is built and installed with
 * the kselftests but is not one of them.
 *
 * Usage: ima_ns_bench [-s]
 *   -s  smoke pass: tiny counts and sizes, no goals judged
 *
 * Every scenario runs a warm-up and then several repetitions, and reports
 * the median, minimum and maximum of the repetitions' per-call costs.
 * Rules in the global policy cannot be removed, so the scenarios that need
 * one (1b, then 11) run last, once every other namespace policy is gone.
 * The output ends with a Markdown table and a JSON document, framed by
 * marker lines.
 *
 * Scenarios 5 and 6 sign their files with evmctl and KEY_FILE, whose
 * certificate the guest's init loads into the _ima keyring, and count the
 * kernel's signature verifications with a kprobe through tracefs.  Without
 * the key or the kprobe they say why, and their goals are missed.
 *
 * Scenario 8 runs crun, which needs cgroup2 on /sys/fs/cgroup, the OCI
 * hook and the busybox image layer of the guest's ext4 disk
 * (harness/make-disk-image.sh), with configs that ima_ns_oci_config.sh,
 * installed beside this program, writes; scenario 9 needs that disk on
 * /mnt/disk.  Without them they say why, and their goals are missed too.
 * So are scenario 11's on a kernel that refuses measure rules in namespace
 * policies.
 *
 * The guest needs tsc=reliable for its clock to be the TSC: without it,
 * the kernel distrusts the TSCs of QEMU's two sockets and counts time in
 * jiffies, and the figures come out as multiples of 4 ms.
 */

#define _GNU_SOURCE
#include <linux/elf.h>
#include <linux/magic.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include "common.h"

#define BENCH_DIR	"/tmp/ima_ns_bench"
#define OPEN_FILE	BENCH_DIR "/open"
#define BAD_FILE	BENCH_DIR "/bad"
#define TINY_FILE	BENCH_DIR "/tiny"
#define TINY_BAD_FILE	BENCH_DIR "/tiny_bad"
#define HASH_FILE	BENCH_DIR "/hash"
#define SIG_FILE	BENCH_DIR "/signed"
#define SIG_HASH_FILE	BENCH_DIR "/hashed"	/* a good hash, no signature */
#define TINY_SIG_FILE	BENCH_DIR "/tiny_signed"
#define TINY_HASH_FILE	BENCH_DIR "/tiny_hashed"
#define MAX_MNT_NS	"/proc/sys/user/max_mnt_namespaces"

/* The owner the rules select; nothing else on the system has it. */
#define OWNER_BENCH	73000
#define OWNER_STR	"73000"
#define OPEN_MATCH	"fsmagic=" TMPFS_MAGIC_STR " fowner=" OWNER_STR
#define RULE_OPEN	"appraise " OPEN_MATCH "\n"
#define RULE_EXEC	"appraise func=BPRM_CHECK fsmagic=" TMPFS_MAGIC_STR \
			" fowner=" OWNER_STR "\n"
/* The policy of scenario 3: three rules, none of them trivial. */
#define RULES_CYCLE	RULE_OPEN RULE_EXEC "dont_appraise fsmagic=0x9fa0\n"

/*
 * Scenarios 5 and 6: signed files of their own owner, under rules that
 * ask for a hash, or for a signature (appraise_type=imasig).
 */
#define OWNER_SIG	73001
#define OWNER_SIG_STR	"73001"
#define SIG_MATCH	"fsmagic=" TMPFS_MAGIC_STR " fowner=" OWNER_SIG_STR
#define IMASIG		" appraise_type=imasig"
#define RULE_SIG_HASH	"appraise " SIG_MATCH "\n"
#define RULE_SIG_IMASIG	"appraise " SIG_MATCH IMASIG "\n"
#define RULES_EXEC_MIX	"appraise func=FILE_CHECK " SIG_MATCH "\n" \
			"appraise func=BPRM_CHECK " SIG_MATCH IMASIG "\n" \
			"appraise func=MMAP_CHECK " SIG_MATCH IMASIG "\n"
#define RULES_EXEC_SIG	"appraise func=FILE_CHECK " SIG_MATCH IMASIG "\n" \
			"appraise func=BPRM_CHECK " SIG_MATCH IMASIG "\n" \
			"appraise func=MMAP_CHECK " SIG_MATCH IMASIG "\n"

#define KEY_FILE	"/etc/keys/ima-test-priv.pem"
#define TRACEFS		"/sys/kernel/tracing"
#define KPROBE_EVENTS	TRACEFS "/kprobe_events"
#define KPROBE_PROFILE	TRACEFS "/kprobe_profile"
#define KPROBE_NAME	"imans_sigv"
#define KPROBE_ENABLE	TRACEFS "/events/kprobes/" KPROBE_NAME "/enable"
/* Goal of 5-sigv: one verification per requirement set and content. */
#define SIGV_LIMIT	2

/*
 * Scenario 8: `crun run` of a bundle whose rootfs is an overlay of the
 * disk's image layer and a tmpfs upper directory, with and without the
 * OCI hook, which gives the container's namespace RULES_CRUN.
 */
#define CRUN		"crun"
#define OCI_HOOK	"/usr/libexec/ima-ns/ima-ns-oci-hook"
/* Writes the configs, as the end-to-end test's; installed beside us. */
#define OCI_CONFIG	"ima_ns_oci_config.sh"
#define LAYER_DIR	"/mnt/disk/layer/rootfs"
#define CGROUP_DIR	"/sys/fs/cgroup"
#define CRUN_DIR	BENCH_DIR "/crun"
#define CRUN_BUNDLE	CRUN_DIR "/bundle"
#define CRUN_ROOTFS	CRUN_BUNDLE "/rootfs"
#define CRUN_UPPER	CRUN_DIR "/up"
#define CRUN_WORK	CRUN_DIR "/wk"
#define CRUN_POLICIES	CRUN_DIR "/policies"
#define CRUN_POLICY	"web"
#define CRUN_STDERR	CRUN_DIR "/stderr"
#define CRUN_HOOK_CFG	CRUN_DIR "/hook.json"
#define CRUN_BARE_CFG	CRUN_DIR "/bare.json"
#define CRUN_HOOK_CHECK	CRUN_DIR "/hook-check.json"
#define CRUN_BARE_CHECK	CRUN_DIR "/bare-check.json"
#define RULES_CRUN	"appraise func=BPRM_CHECK fsmagic=" OVL_MAGIC_STR "\n" \
			"appraise func=FILE_CHECK mask=MAY_READ fsmagic=" \
			OVL_MAGIC_STR "\n" \
			"appraise func=MMAP_CHECK mask=MAY_EXEC fsmagic=" \
			OVL_MAGIC_STR "\n"
/* Untimed, before each run: the last container's deferred teardown. */
#define CRUN_SETTLE_US	100000

/*
 * Scenario 9: one hashed file on the ext4 disk, opened there and through
 * an overlay whose lower layer is its directory, under RULES_FIRST.
 */
#define DISK_DIR	"/mnt/disk"
#define DISK_BENCH_DIR	DISK_DIR "/tests/ima_ns_bench"
#define DISK_FILE	DISK_BENCH_DIR "/first"
#define DISK_BAD_FILE	DISK_BENCH_DIR "/bad"
#define OVL_DIR		BENCH_DIR "/ovl"
#define OVL_UPPER	OVL_DIR "/up"
#define OVL_WORK	OVL_DIR "/wk"
#define OVL_MERGED	OVL_DIR "/merged"
#define OVL_FILE	OVL_MERGED "/first"
#define OVL_BAD_FILE	OVL_MERGED "/bad"
#define RULES_FIRST	"appraise fsmagic=" EXT4_MAGIC_STR " fowner=" OWNER_STR "\n" \
			"appraise fsmagic=" OVL_MAGIC_STR " fowner=" OWNER_STR "\n"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define OPEN_SIZE	4096
#define MAX_REPS	9
#define NR_POPS		4	/* registered namespace counts of 1(d) */
#define NR_SIZES	3	/* file sizes of scenario 2 */
#define NR_METHODS	3	/* IMA first open, AF_ALG, sha256sum */

/* The samples; scenario numbers are those of the issue that asked for it. */
enum {
	S_PROBE,		/* allocator state, at the start */
	S_PROBE_END,		/* and at the end */
	S_PROBE_MANY,		/* and with 1(d)'s namespaces alive */
	S_OPEN_NONE,		/* 1(a) */
	S_OPEN_GLOBAL,		/* 1(b) */
	S_OPEN_NS,		/* 1(c) */
	S_OPEN_MANY,		/* 1(a) with namespaces alive, none registered */
	S_OPEN_UNREG,		/* 1(d), NR_POPS of them */
	S_OPEN_NONE_AGAIN = S_OPEN_UNREG + NR_POPS,
	S_HASH,			/* 2, NR_SIZES * NR_METHODS of them */
	S_NS_BARE = S_HASH + NR_SIZES * NR_METHODS,	/* 3 */
	S_NS_REGISTER,
	S_NS_CYCLE,
	S_NS_CYCLE_MANY,	/* 3-cycle, 1(d)'s namespaces alive */
	S_NS_CYCLE_MANY_REG,	/* and all of them registered */
	S_NS_CYCLE_AGAIN,	/* 3-cycle once they are gone */
	S_EXEC_NONE,		/* 4 */
	S_EXEC_BPRM,
	S_SIG_ONE,		/* 5: one namespace */
	S_SIG_ALT,		/* 5: two namespaces, alternating */
	S_SIG_EXEC,		/* 6: every hook asks for a signature */
	S_SIG_EXEC_MIX,		/* 6: FILE_CHECK asks for a hash only */
	S_SETNS_STOCK,		/* 7: no namespace policy exists */
	S_SETNS_UNGOV,		/* 7: ungoverned namespaces, a policy exists */
	S_SETNS_SAME,		/* 7: two namespaces under the same policy */
	S_CRUN_BARE,		/* 8: crun run without the hook */
	S_CRUN_HOOK,		/* 8: with the hook and RULES_CRUN */
	S_FIRST_EXT4,		/* 9: first open on ext4 */
	S_FIRST_OVL,		/* 9: the same file through overlayfs */
	S_MODE_LOG,		/* 10: RULE_OPEN in log mode */
	S_MODE_ENFORCE,		/* 10: and in enforce mode */
	S_AUDIT,		/* 10: RULE_AUDIT, its record emitted */
	S_AUDIT_APPRAISE,	/* 10: RULE_OPEN, as its baseline */
	S_MEAS_GLOBAL,		/* 11: measured content, global measure rule */
	S_MEAS_NS,		/* 11: and the rule in a namespace policy */
	S_MEAS_FIRST_GLOBAL,	/* 11: first measurement, global rule */
	S_MEAS_FIRST_NS,	/* 11: and the namespace rule */
	NR_SAMPLES
};

enum { M_IMA, M_AF_ALG, M_SHA256SUM };

struct sample {
	char id[32];
	char name[96];
	unsigned long iters;
	int reps;
	double ns[MAX_REPS];	/* per call, one per repetition */
	double med, min, max;
	char why[128];		/* why it was not measured */
};

/* 5-sigv: the count of signature verifications, shared like the samples. */
struct sig_state {
	char missing[128];	/* why scenarios 5 and 6 cannot run, or "" */
	char probe[32];		/* the function the kprobe is on, or "" */
	char why[128];		/* why there is no count */
	unsigned long opens;	/* alternating opens counted over */
	long count;		/* verifications during them; -1: none */
};

struct config {
	int reps;
	int hash_reps;
	unsigned long open_iters;
	unsigned long exec_iters;
	unsigned long cycle_iters;
	unsigned long sigv_opens;
	unsigned long setns_calls;
	unsigned long crun_iters;
	unsigned long first_iters;
	int first_size_idx;	/* scenario 9's file size: that sizes[] */
	unsigned long hash_iters[NR_SIZES];
	size_t sizes[NR_SIZES];
	unsigned int pops[NR_POPS];
	unsigned int settle_ms;
	unsigned int precondition;
};

static const struct config full_config = {
	.reps = 7,
	.hash_reps = 5,
	.open_iters = 2000,
	.exec_iters = 100,
	.cycle_iters = 20,
	.sigv_opens = 1000,
	.setns_calls = 2000,
	.crun_iters = 3,
	.first_iters = 2,
	.first_size_idx = 1,	/* 1 MiB */
	.hash_iters = { 40, 4, 1 },
	.sizes = { 4096, 1 << 20, 64 << 20 },
	.pops = { 1, 100, 1000, 10000 },
	.settle_ms = 1000,
	.precondition = 300,
};

static const struct config smoke_config = {
	.reps = 2,
	.hash_reps = 2,
	.open_iters = 20,
	.exec_iters = 5,
	.cycle_iters = 3,
	.sigv_opens = 20,
	.setns_calls = 20,
	.crun_iters = 1,
	.first_iters = 1,
	.first_size_idx = 1,	/* 64 KiB */
	.hash_iters = { 2, 1, 1 },
	.sizes = { 4096, 64 << 10, 1 << 20 },
	.pops = { 1, 2, 5, 10 },
	.settle_ms = 0,
	.precondition = 10,
};

static const struct config *cfg = &full_config;
static bool smoke;
/* What the files with a wrong security.ima of scenarios 8 and 9 hold. */
static const char bad_text[] = "not what security.ima says\n";
/* In shared memory: the scenarios run in child processes. */
static struct sample *samples;
static struct sig_state *sig;

static void die(const char *what, int err)
{
	printf("# bench: FAIL: %s: %s\n", what, strerror(err));
	fflush(stdout);
	exit(1);
}

static void check(int ret, const char *what)
{
	if (ret)
		die(what, ret < 0 ? -ret : EIO);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v, @n > 0 values, in place and returns their median. */
static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void compute_stats(struct sample *s)
{
	double sorted[MAX_REPS];

	if (!s->reps)
		return;
	memcpy(sorted, s->ns, s->reps * sizeof(sorted[0]));
	s->med = median_of(sorted, s->reps);
	s->min = sorted[0];
	s->max = sorted[s->reps - 1];
}

/*
 * Names samples[@idx] and empties it, after letting deferred work (RCU
 * callbacks, workqueues, audit) finish.  Under -icount with sleep=off an
 * idle guest's clock jumps to its next timer, so the wait costs no real
 * time.
 */
static struct sample *sample_start(int idx, const char *id, const char *name,
				   unsigned long iters)
{
	struct sample *s = &samples[idx];

	if (cfg->settle_ms)
		usleep(cfg->settle_ms * 1000);
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->iters = iters;
	s->reps = 0;
	return s;
}

static void sample_done(struct sample *s)
{
	compute_stats(s);
	printf("# bench: %-5s %-58s median %12.0f  min %12.0f  max %12.0f  (%lu x %d)\n",
	       s->id, s->name, s->med, s->min, s->max, s->iters, s->reps);
	fflush(stdout);
}

/* One of the operations measure_sides() takes turns with. */
struct side {
	int idx;
	const char *id;
	const char *name;
	int (*prep)(void *arg);	/* untimed, before each call; or NULL */
	int (*op)(void *arg);
	void *arg;
};

/* Runs @s's @prep, untimed, then @op; returns the time @op took. */
static unsigned long long timed_call(const struct side *s)
{
	unsigned long long start;

	if (s->prep)
		check(s->prep(s->arg), s->name);
	start = now_ns();
	check(s->op(s->arg), s->name);
	return now_ns() - start;
}

/*
 * Measures the @n operations of @sides in the same run, taking turns: each
 * round calls every one once, in an order that rotates by one from round
 * to round and from repetition to repetition, ABBA ABBA... for two, so
 * that whatever drifts during the run weighs on all alike; after a
 * warm-up of a tenth of @iters rounds.  Every call is timed alone, after
 * its side's @prep.  A repetition's figure for a side is the mean of its
 * @iters calls, which its sample sums first.
 */
static void measure_sides(const struct side *sides, int n,
			  unsigned long iters, int reps)
{
	unsigned long i, warm = iters / 10 + 1;
	struct sample *s;
	int r, k, turn;

	for (k = 0; k < n; k++)
		sample_start(sides[k].idx, sides[k].id, sides[k].name, iters);
	for (i = 0; i < warm; i++)
		for (k = 0; k < n; k++)
			timed_call(&sides[k]);
	for (r = 0; r < reps && r < MAX_REPS; r++) {
		for (k = 0; k < n; k++)
			samples[sides[k].idx].ns[r] = 0;
		for (i = 0; i < iters; i++)
			for (turn = 0; turn < n; turn++) {
				k = (r + i + turn) % n;
				samples[sides[k].idx].ns[r] +=
					timed_call(&sides[k]);
			}
		for (k = 0; k < n; k++) {
			s = &samples[sides[k].idx];
			s->ns[r] /= iters;
			s->reps++;
		}
	}
	for (k = 0; k < n; k++)
		sample_done(&samples[sides[k].idx]);
}

/*
 * Runs @op(@arg) @iters times per repetition, @reps times, after a warm-up
 * of a tenth of @iters, and stores each repetition's mean per call in
 * samples[@idx].  With @prep, every call is timed alone and @prep(@arg)
 * runs untimed before it: measure_sides() of one side.  An error of @prep
 * or @op ends the process.
 */
static void measure(int idx, const char *id, const char *name,
		    unsigned long iters, int reps, int (*prep)(void *),
		    int (*op)(void *), void *arg)
{
	const struct side side = { idx, id, name, prep, op, arg };
	unsigned long i, warm = iters / 10 + 1;
	unsigned long long start;
	struct sample *s;
	int r;

	if (prep) {
		measure_sides(&side, 1, iters, reps);
		return;
	}
	s = sample_start(idx, id, name, iters);
	for (i = 0; i < warm; i++)
		check(op(arg), name);
	for (r = 0; r < reps && r < MAX_REPS; r++) {
		start = now_ns();
		for (i = 0; i < iters; i++)
			check(op(arg), name);
		s->ns[r] = (double)(now_ns() - start) / iters;
		s->reps++;
	}
	sample_done(s);
}

/*
 * Like measure() without @prep, but times every call of @op(@arg) alone
 * and keeps the median of a repetition's calls as its figure, so that the
 * few calls a timer interrupt lands in do not move it.
 */
static void measure_each(int idx, const char *id, const char *name,
			 unsigned long iters, int reps, int (*op)(void *),
			 void *arg)
{
	struct sample *s = sample_start(idx, id, name, iters);
	double *calls = calloc(iters, sizeof(*calls));
	unsigned long i, warm = iters / 10 + 1;
	unsigned long long start;
	int r;

	if (!calls)
		die("calloc", ENOMEM);
	for (i = 0; i < warm; i++)
		check(op(arg), name);
	for (r = 0; r < reps && r < MAX_REPS; r++) {
		for (i = 0; i < iters; i++) {
			start = now_ns();
			check(op(arg), name);
			calls[i] = now_ns() - start;
		}
		s->ns[r] = median_of(calls, iters);
		s->reps++;
	}
	free(calls);
	sample_done(s);
}

/* Records that samples[@idx] could not be measured, and why. */
static void skip_sample(int idx, const char *id, const char *name,
			const char *why)
{
	struct sample *s = &samples[idx];

	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->why, sizeof(s->why), "%s", why);
	s->iters = 0;
	s->reps = 0;
	printf("# bench: %-5s %-58s not measured: %s\n", id, name, why);
	fflush(stdout);
}

/* Runs @fn(@arg) in a child; a failed child ends the benchmark. */
static void in_child(int (*fn)(void *), void *arg, const char *what)
{
	int status = run_child(fn, arg);

	if (status)
		die(what, status < 0 ? errno : EIO);
}

/* --- Operations ------------------------------------------------------- */

static int open_read_close(void *path)
{
	static char buf[OPEN_SIZE];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf));
	close(fd);
	return len == sizeof(buf) ? 0 : -EIO;
}

/* Opens @path, reads from it and closes it; its size does not matter. */
static int open_read_some(void *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf));
	close(fd);
	return len > 0 ? 0 : -EIO;
}

/* getname() and putname() alone: open("") fails before any lookup. */
static int open_empty(void *empty)
{
	return open(empty, O_RDONLY) < 0 && errno == ENOENT ? 0 : -EIO;
}

/* Where a spawned program's descriptor goes. */
struct redirect {
	const char *path;	/* opened with @flags; NULL: the benchmark's */
	int flags;
};

/*
 * Runs @argv with its stdin, stdout and stderr where @io[0], @io[1] and
 * @io[2] say; returns its exit status, 128 + the signal that ended it, or
 * -errno.
 */
static int spawn_status(char *const argv[], const struct redirect io[3])
{
	posix_spawn_file_actions_t actions;
	int status, ret, fd;
	pid_t pid;

	posix_spawn_file_actions_init(&actions);
	for (fd = 0; fd < 3; fd++)
		if (io[fd].path)
			posix_spawn_file_actions_addopen(&actions, fd,
							 io[fd].path,
							 io[fd].flags, 0644);
	ret = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (ret)
		return -ret;
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Runs @argv with stdout on /dev/null; returns 0 if it exited with 0. */
static int spawn_wait(char *const argv[])
{
	static const struct redirect io[3] = {
		{ NULL }, { "/dev/null", O_WRONLY }, { NULL },
	};
	int status = spawn_status(argv, io);

	return status > 0 ? -EIO : status;
}

static int exec_tiny(void *path)
{
	char *argv[] = { path, "--exit", NULL };

	return spawn_wait(argv);
}

/* Exits with the errno of an exec of @path: 0 means it ran. */
static int exec_status(void *path)
{
	char *argv[] = { path, "--exit", NULL };

	execve(path, argv, environ);
	return errno;
}

enum { CYCLE_BARE, CYCLE_REGISTER, CYCLE_POLICY };

/*
 * One namespace's life: a child unshares its mount namespace and exits.
 * From CYCLE_REGISTER on, it also registers the namespace, and with
 * CYCLE_POLICY loads RULES_CYCLE; its exit tears the policy down.
 */
static int ns_child(void *data)
{
	int steps = *(int *)data;
	unsigned int nsid;

	if (unshare(CLONE_NEWNS))
		return 1;
	if (steps == CYCLE_BARE)
		return 0;
	nsid = current_mnt_ns();
	if (register_ns(nsid))
		return 2;
	if (steps >= CYCLE_POLICY && load_policy(nsid, RULES_CYCLE))
		return 3;
	return 0;
}

static int ns_cycle(void *steps)
{
	return run_child(ns_child, steps) ? -EIO : 0;
}

/* --- Scenario 2: first-open hashing ----------------------------------- */

/* A file of scenarios 2 and 9, and the security.ima that fits it. */
struct hash_file {
	const char *path;
	unsigned char *data;
	size_t size;
	unsigned char xattr[2 + SHA256_LEN];
};

/*
 * Creates @h->path, owned by OWNER_BENCH, with @h->size bytes of a pattern
 * that it keeps in @h->data, and puts in @h->xattr the security.ima of
 * their sha256, which the kernel computes through AF_ALG.  It does not set
 * that security.ima.
 */
static void make_hashed_file(struct hash_file *h)
{
	size_t i;

	h->data = malloc(h->size);
	if (!h->data)
		die("malloc", ENOMEM);
	for (i = 0; i < h->size; i++)
		h->data[i] = (i * 2654435761u) >> 24;
	check(make_file(h->path, h->data, h->size, OWNER_BENCH, 0644),
	      "create the file to hash");
	h->xattr[0] = IMA_XATTR_DIGEST_NG;
	h->xattr[1] = IMA_ALGO_SHA256;
	check(kernel_digest("sha256", h->data, h->size, h->xattr + 2,
			    SHA256_LEN), "AF_ALG sha256");
}

/* Setting security.ima again makes IMA forget the file's verdict. */
static int reset_verdict(void *data)
{
	struct hash_file *h = data;

	if (setxattr(h->path, "security.ima", h->xattr, sizeof(h->xattr), 0))
		return -errno;
	return 0;
}

static int open_close(void *data)
{
	struct hash_file *h = data;

	return try_open(h->path);
}

static int af_alg_sha256(void *data)
{
	struct hash_file *h = data;
	unsigned char digest[SHA256_LEN];
	int err;

	err = kernel_digest("sha256", h->data, h->size, digest, sizeof(digest));
	if (!err && memcmp(digest, h->xattr + 2, SHA256_LEN))
		err = -EIO;
	return err;
}

static int run_sha256sum(void *data)
{
	struct hash_file *h = data;
	char *argv[] = { "sha256sum", (char *)h->path, NULL };

	return spawn_wait(argv);
}

/* "4 KiB" and "4K", "1 MiB" and "1M" */
static void size_names(size_t size, char *name, char *id, size_t len)
{
	bool mib = size >= 1 << 20;
	size_t n = size >> (mib ? 20 : 10);

	snprintf(name, len, "%zu %s", n, mib ? "MiB" : "KiB");
	snprintf(id, len, "%zu%c", n, mib ? 'M' : 'K');
}

static void bench_hashing(int n)
{
	struct hash_file h = { .path = HASH_FILE, .size = cfg->sizes[n] };
	char size[24], sz[24], id[32], name[96];
	int idx = S_HASH + n * NR_METHODS;

	size_names(h.size, size, sz, sizeof(size));
	make_hashed_file(&h);
	check(reset_verdict(&h), "set security.ima");

	snprintf(id, sizeof(id), "2-%s-ima", sz);
	snprintf(name, sizeof(name), "first open (hashing), %s, namespace rule",
		 size);
	measure(idx + M_IMA, id, name, cfg->hash_iters[n], cfg->hash_reps,
		reset_verdict, open_close, &h);
	snprintf(id, sizeof(id), "2-%s-afalg", sz);
	snprintf(name, sizeof(name), "kernel sha256 through AF_ALG, %s", size);
	measure(idx + M_AF_ALG, id, name, cfg->hash_iters[n], cfg->hash_reps,
		NULL, af_alg_sha256, &h);
	/* sha256sum opens the file: let that open find a cached verdict. */
	check(try_open(h.path), "open the hashed file");
	snprintf(id, sizeof(id), "2-%s-sum", sz);
	snprintf(name, sizeof(name), "userspace sha256sum (fork+exec), %s",
		 size);
	measure(idx + M_SHA256SUM, id, name, cfg->hash_iters[n],
		cfg->hash_reps, NULL, run_sha256sum, &h);
	unlink(h.path);
	free(h.data);
}

/* --- Scenario 4: a small static binary --------------------------------- */

#if defined(__x86_64__)
/* exit(0): xor %edi,%edi; mov $60,%eax; syscall */
static const unsigned char tiny_code[] = {
	0x31, 0xff, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05,
};

#define TINY_BASE	0x400000

/* A static ELF executable of one segment that exits; returns its size. */
static size_t make_tiny_elf(unsigned char *buf, size_t size)
{
	size_t len = sizeof(struct elf64_hdr) + sizeof(struct elf64_phdr) +
		     sizeof(tiny_code);
	struct elf64_hdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_entry = TINY_BASE + sizeof(eh) + sizeof(struct elf64_phdr),
		.e_phoff = sizeof(eh),
		.e_ehsize = sizeof(eh),
		.e_phentsize = sizeof(struct elf64_phdr),
		.e_phnum = 1,
	};
	struct elf64_phdr ph = {
		.p_type = PT_LOAD,
		.p_flags = PF_R | PF_X,
		.p_vaddr = TINY_BASE,
		.p_paddr = TINY_BASE,
		.p_filesz = len,
		.p_memsz = len,
		.p_align = 0x1000,
	};

	if (len > size)
		return 0;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), &ph, sizeof(ph));
	memcpy(buf + sizeof(eh) + sizeof(ph), tiny_code, sizeof(tiny_code));
	return len;
}
#else
/* Elsewhere, a copy of this program, which exits at once when so named. */
static size_t make_tiny_elf(unsigned char *buf, size_t size)
{
	ssize_t len = read_file("/proc/self/exe", (char *)buf, size);

	return len > 0 && (size_t)len < size - 1 ? len : 0;
}
#endif

static void make_tiny_files(void)
{
	size_t size = 4 << 20, len;
	unsigned char *elf = malloc(size);

	if (!elf)
		die("malloc", ENOMEM);
	len = make_tiny_elf(elf, size);
	if (!len)
		die("build the small executable", EINVAL);
	check(make_file(TINY_FILE, elf, len, OWNER_BENCH, 0755),
	      "create " TINY_FILE);
	check(set_ima_hash(TINY_FILE, elf, len, IMA_ALGO_SHA256, false),
	      "hash " TINY_FILE);
	check(make_file(TINY_BAD_FILE, elf, len, OWNER_BENCH, 0755),
	      "create " TINY_BAD_FILE);
	check(set_ima_hash(TINY_BAD_FILE, elf, len, IMA_ALGO_SHA256, true),
	      "hash " TINY_BAD_FILE);
	/* Scenario 6's: one to sign, one with a good hash and no signature. */
	check(make_file(TINY_SIG_FILE, elf, len, OWNER_SIG, 0755),
	      "create " TINY_SIG_FILE);
	check(make_file(TINY_HASH_FILE, elf, len, OWNER_SIG, 0755),
	      "create " TINY_HASH_FILE);
	check(set_ima_hash(TINY_HASH_FILE, elf, len, IMA_ALGO_SHA256, false),
	      "hash " TINY_HASH_FILE);
	free(elf);
}

/* --- The governed scenarios -------------------------------------------- */

static unsigned int enter_policy(const char *rules)
{
	unsigned int nsid = enter_registered_ns();

	if (!nsid)
		die("register a namespace", errno);
	check(load_policy(nsid, rules), "load a namespace policy");
	return nsid;
}

/* 1(c) and scenario 2, in a namespace governed by RULE_OPEN. */
static int governed_open(void *rules)
{
	int n;

	enter_policy(rules);
	if (try_open(BAD_FILE) != -EACCES)
		die("the namespace rule does not deny a bad hash", EPERM);
	measure(S_OPEN_NS, "1c",
		"open+read 4 KiB+close, namespace rule, verdict cached",
		cfg->open_iters, cfg->reps, NULL, open_read_close, OPEN_FILE);
	for (n = 0; n < NR_SIZES; n++)
		bench_hashing(n);
	return 0;
}

/* Scenario 4 under RULE_EXEC. */
static int governed_exec(void *rules)
{
	enter_policy(rules);
	if (run_child(exec_status, TINY_BAD_FILE) != EACCES)
		die("the BPRM_CHECK rule does not deny a bad hash", EPERM);
	measure(S_EXEC_BPRM, "4-bprm", "exec of a small static binary, BPRM_CHECK rule",
		cfg->exec_iters, cfg->reps, NULL, exec_tiny, TINY_FILE);
	return 0;
}

/* --- Scenarios 5 and 6: a signed file under two requirement sets --------- */

/* Their samples, also named when they cannot be measured. */
static const struct {
	int idx;
	const char *id;
	const char *name;
} sig_samples[] = {
	{ S_SIG_ONE, "5-one",
	  "open+read 4 KiB+close, signed file, imasig namespace, cached" },
	{ S_SIG_ALT, "5-alt",
	  "same, alternating between a hash-only and an imasig namespace" },
	{ S_SIG_EXEC, "6-sig",
	  "exec of a signed static binary, every hook imasig, open between" },
	{ S_SIG_EXEC_MIX, "6-mix",
	  "same, FILE_CHECK hash, BPRM_CHECK and MMAP_CHECK imasig" },
};

static void measure_sig(int i, unsigned long iters, int (*prep)(void *),
			int (*op)(void *), void *arg)
{
	measure(sig_samples[i].idx, sig_samples[i].id, sig_samples[i].name,
		iters, cfg->reps, prep, op, arg);
}

static void skip_sig(int i, const char *why)
{
	skip_sample(sig_samples[i].idx, sig_samples[i].id,
		    sig_samples[i].name, why);
}

/* Records why scenarios 5 and 6 cannot run. */
static void sig_missing(const char *reason, int err)
{
	snprintf(sig->missing, sizeof(sig->missing), "%s: %s", reason,
		 strerror(err));
	printf("# bench: scenarios 5 and 6: %s\n", sig->missing);
}

/* Signs @path with KEY_FILE; returns 0 or -errno. */
static int sign_file(const char *path)
{
	char *argv[] = { "evmctl", "ima_sign", "--key", KEY_FILE, "-a",
			 "sha256", (char *)path, NULL };

	return spawn_wait(argv);
}

/* Signs the files of scenarios 5 and 6, if the key is there. */
static void sign_files(void)
{
	static const char * const paths[] = { SIG_FILE, TINY_SIG_FILE };
	size_t i;
	int err;

	if (access(KEY_FILE, R_OK)) {
		sig_missing("no signing key " KEY_FILE, errno);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		err = sign_file(paths[i]);
		if (err) {
			sig_missing("evmctl ima_sign failed", -err);
			return;
		}
	}
}

/*
 * 5-sigv counts the calls of the kernel's signature verification with a
 * kprobe, created here, disabled, and enabled only while it counts, so that
 * it costs the timed opens nothing.  Without tracefs or kprobe events
 * sig->why says so, and there is no count.
 */
static void sigv_setup(void)
{
	static const char * const funcs[] = { "integrity_digsig_verify",
					      "asymmetric_verify" };
	char cmd[96];
	ssize_t ret = -ENOENT;
	size_t i;

	sig->count = -1;
	if (access(KPROBE_EVENTS, F_OK)) {
		mkdir(TRACEFS, 0755);
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	}
	if (access(KPROBE_EVENTS, F_OK)) {
		snprintf(sig->why, sizeof(sig->why),
			 "no kprobe events (%s: %s)", KPROBE_EVENTS,
			 strerror(errno));
		return;
	}
	/* One left by an earlier run that was cut short. */
	write_file(KPROBE_EVENTS, "-:" KPROBE_NAME "\n",
		   strlen("-:" KPROBE_NAME "\n"));
	for (i = 0; i < ARRAY_SIZE(funcs); i++) {
		snprintf(cmd, sizeof(cmd), "p:%s %s\n", KPROBE_NAME, funcs[i]);
		ret = write_file(KPROBE_EVENTS, cmd, strlen(cmd));
		if (ret >= 0)
			break;
	}
	if (ret < 0) {
		snprintf(sig->why, sizeof(sig->why),
			 "no kprobe on %s or %s: %s", funcs[0], funcs[1],
			 strerror(-ret));
		return;
	}
	snprintf(sig->probe, sizeof(sig->probe), "%s", funcs[i]);
	printf("# bench: counting signature verifications with a kprobe on %s\n",
	       sig->probe);
}

static void sigv_teardown(void)
{
	if (!sig->probe[0])
		return;
	write_file(KPROBE_ENABLE, "0\n", 2);
	write_file(KPROBE_EVENTS, "-:" KPROBE_NAME "\n",
		   strlen("-:" KPROBE_NAME "\n"));
}

/* The probe's hits so far, from its line of kprobe_profile; or -errno. */
static long sigv_hits(void)
{
	static char buf[16384];
	char name[64], *line;
	unsigned long hits;
	ssize_t len = read_file(KPROBE_PROFILE, buf, sizeof(buf));

	if (len < 0)
		return len;
	for (line = buf; line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (sscanf(line, "%63s %lu", name, &hits) == 2 &&
		    !strcmp(name, KPROBE_NAME))
			return hits;
	}
	return -ENOENT;
}

/* Two registered namespaces, each with one policy, and the way home. */
struct ns_pair {
	int home;
	int ns[2];	/* 0: RULE_SIG_HASH, 1: RULE_SIG_IMASIG */
	int cur;	/* the one entered last */
	char *path;
};

static void enter_ns(int fd)
{
	if (setns(fd, CLONE_NEWNS))
		die("setns", errno);
}

/*
 * Creates a registered namespace with @rules; returns its nsfs fd, and its
 * nsid in *@nsid unless @nsid is NULL.
 */
static int policy_ns(int home, const char *rules, unsigned int *nsid)
{
	unsigned int id = enter_policy(rules);
	int fd;

	if (nsid)
		*nsid = id;
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /proc/self/ns/mnt", errno);
	enter_ns(home);
	return fd;
}

/*
 * Run untimed before each open: 5-one enters the imasig namespace again,
 * 5-alt the other one of the pair.
 */
static int stay_imasig(void *data)
{
	struct ns_pair *p = data;

	p->cur = 1;
	return setns(p->ns[1], CLONE_NEWNS) ? -errno : 0;
}

static int switch_ns(void *data)
{
	struct ns_pair *p = data;

	p->cur ^= 1;
	return setns(p->ns[p->cur], CLONE_NEWNS) ? -errno : 0;
}

static int pair_open(void *data)
{
	struct ns_pair *p = data;

	return open_read_close(p->path);
}

/*
 * Setting security.ima again, to the same signature, starts a new content
 * version: the next opens must verify the signature again, once for each
 * requirement set at most.  Then count the verifications of cfg->sigv_opens
 * opens alternating between the namespaces, the hash-only one first.
 */
static void count_verifications(struct ns_pair *p)
{
	char xattr[1024];
	ssize_t len, ret;
	long before, after;
	unsigned long i;

	enter_ns(p->home);
	if (!sig->probe[0])
		return;
	len = getxattr(p->path, "security.ima", xattr, sizeof(xattr));
	if (len < 0 || setxattr(p->path, "security.ima", xattr, len, 0))
		die("set security.ima again", errno);
	ret = write_file(KPROBE_ENABLE, "1\n", 2);
	if (ret < 0) {
		snprintf(sig->why, sizeof(sig->why), "cannot enable %s: %s",
			 KPROBE_ENABLE, strerror(-ret));
		return;
	}
	before = sigv_hits();
	p->cur = 1;
	for (i = 0; before >= 0 && i < cfg->sigv_opens; i++) {
		check(switch_ns(p), "enter a namespace");
		check(pair_open(p), "open the signed file");
	}
	enter_ns(p->home);
	after = sigv_hits();
	write_file(KPROBE_ENABLE, "0\n", 2);
	if (before < 0 || after < 0) {
		snprintf(sig->why, sizeof(sig->why), "no %s in %s: %s",
			 KPROBE_NAME, KPROBE_PROFILE,
			 strerror(before < 0 ? -before : -after));
		return;
	}
	sig->opens = cfg->sigv_opens;
	sig->count = after - before;
	printf("# bench: 5-sigv  %ld signature verifications (%s) in %lu alternating opens\n",
	       sig->count, sig->probe, sig->opens);
	if (!sig->count)
		printf("# bench: warning: a new signature was never verified\n");
}

/*
 * Scenario 5: one process, two namespaces with the same rule, one asking
 * for a hash and one for a signature, and setns() between the timed opens.
 * The baseline enters the imasig namespace again between its opens, so
 * that both pay the same untimed setns().
 */
static int signed_open(void *path)
{
	struct ns_pair p = { .path = path };
	int err;

	p.home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (p.home < 0)
		die("open /proc/self/ns/mnt", errno);
	p.ns[0] = policy_ns(p.home, RULE_SIG_HASH, NULL);
	p.ns[1] = policy_ns(p.home, RULE_SIG_IMASIG, NULL);
	enter_ns(p.ns[0]);
	if (try_open(SIG_HASH_FILE))
		die("the hash-only namespace refuses a good hash", EPERM);
	enter_ns(p.ns[1]);
	if (try_open(SIG_HASH_FILE) != -EACCES)
		die("the imasig namespace opens a file without a signature",
		    EPERM);
	err = try_open(p.path);
	if (err) {
		snprintf(sig->missing, sizeof(sig->missing),
			 "the imasig namespace refuses the signed file (%s): no key in _ima?",
			 strerror(-err));
		return 0;
	}
	measure_sig(0, cfg->open_iters, stay_imasig, pair_open, &p);
	measure_sig(1, cfg->open_iters, switch_ns, pair_open, &p);
	count_verifications(&p);
	return 0;
}

struct exec_job {
	int i;			/* in sig_samples[] */
	const char *rules;
	int hash_open;		/* opening TINY_HASH_FILE gives 0 or -EACCES */
};

/*
 * Scenario 6: execs of the signed binary, each after an untimed open and
 * read of it, which FILE_CHECK appraises.
 */
static int signed_exec(void *data)
{
	const struct exec_job *job = data;
	char why[128];
	int status;

	enter_policy(job->rules);
	if (try_open(TINY_HASH_FILE) != job->hash_open)
		die("FILE_CHECK gives the wrong result", EPERM);
	if (run_child(exec_status, TINY_HASH_FILE) != EACCES)
		die("BPRM_CHECK runs a binary without a signature", EPERM);
	status = run_child(exec_status, TINY_SIG_FILE);
	if (status) {
		snprintf(why, sizeof(why), "the signed binary does not run (%s)",
			 strerror(status));
		skip_sig(job->i, why);
		return 0;
	}
	measure_sig(job->i, cfg->exec_iters, open_read_some, exec_tiny,
		    TINY_SIG_FILE);
	return 0;
}

static void bench_signed(void)
{
	struct exec_job sig_job = { 2, RULES_EXEC_SIG, -EACCES };
	struct exec_job mix_job = { 3, RULES_EXEC_MIX, 0 };
	size_t i;

	sigv_setup();
	if (!sig->missing[0])
		in_child(signed_open, SIG_FILE, "5");
	sigv_teardown();
	if (!sig->missing[0]) {
		in_child(signed_exec, &sig_job, "6-sig");
		in_child(signed_exec, &mix_job, "6-mix");
	}
	if (!sig->missing[0])
		return;
	for (i = 0; i < ARRAY_SIZE(sig_samples); i++)
		skip_sig(i, sig->missing);
	snprintf(sig->why, sizeof(sig->why), "%s", sig->missing);
}

/* --- Scenario 7: setns() between two namespaces ------------------------ */

struct setns_pair {
	int ns[2];	/* nsfs descriptors */
	int cur;	/* the one entered last */
};

/* The timed call: setns() into the other namespace of the pair. */
static int setns_other(void *data)
{
	struct setns_pair *p = data;

	p->cur ^= 1;
	return setns(p->ns[p->cur], CLONE_NEWNS) ? -errno : 0;
}

/*
 * Makes two copies of the caller's mount namespace, each with unshare(2)
 * from it, so that both hold the same mounts and inherit the same policy
 * or none, and keeps them by their nsfs descriptors; the caller stays in
 * its namespace.  Opening BAD_FILE in each must give @bad.
 */
static void make_pair(struct setns_pair *p, int bad)
{
	int i, home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (home < 0)
		die("open /proc/self/ns/mnt", errno);
	for (i = 0; i < 2; i++) {
		if (unshare(CLONE_NEWNS))
			die("unshare", errno);
		if (try_open(BAD_FILE) != bad)
			die("a copy of a namespace is governed wrongly", EPERM);
		p->ns[i] = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		if (p->ns[i] < 0)
			die("open /proc/self/ns/mnt", errno);
		enter_ns(home);
	}
	close(home);
	p->cur = 1;
}

/*
 * Scenario 7, in one process: 7-stock, the baseline, before any namespace
 * policy exists, when the setns() hook returns at its static branch; then
 * a namespace is registered with @rules and kept, and the same pair gives
 * 7-ungov; then 7-same between two copies of the registered namespace,
 * which the task's own policy governs, so that the hook finds it at the
 * head of the target's chain.  Host root is exempt only from a refusal:
 * every check runs.
 */
static int setns_scenario(void *rules)
{
	struct setns_pair stock, same;
	char buf[64];
	int home, governed;

	home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		die("open /proc/self/ns/mnt", errno);
	if (read_file(IMA_NAMESPACES, buf, sizeof(buf)) != 0)
		die("7-stock: a namespace policy exists already", EBUSY);
	make_pair(&stock, 0);
	measure_each(S_SETNS_STOCK, "7-stock",
		     "setns() between two namespaces, no namespace policy exists",
		     cfg->setns_calls, cfg->reps, setns_other, &stock);
	enter_ns(home);
	governed = policy_ns(home, rules, NULL);
	measure_each(S_SETNS_UNGOV, "7-ungov",
		     "same, two ungoverned namespaces, a policy exists",
		     cfg->setns_calls, cfg->reps, setns_other, &stock);
	enter_ns(governed);
	make_pair(&same, -EACCES);
	measure_each(S_SETNS_SAME, "7-same",
		     "same, two namespaces governed by the same policy",
		     cfg->setns_calls, cfg->reps, setns_other, &same);
	return 0;
}

/* --- Scenario 8: crun run, with and without the OCI hook --------------- */

#define CRUN_BARE_ID	"8-bare"
#define CRUN_BARE_NAME	"crun run of a container that exits at once, no hook"
#define CRUN_HOOK_ID	"8-hook"
#define CRUN_HOOK_NAME	"same, OCI hook and a 3-rule namespace policy"

/* The check container exits with CRUN_DENIED if it cannot read /bad. */
#define CRUN_DENIED	42

static void skip_crun(const char *why)
{
	skip_sample(S_CRUN_BARE, CRUN_BARE_ID, CRUN_BARE_NAME, why);
	skip_sample(S_CRUN_HOOK, CRUN_HOOK_ID, CRUN_HOOK_NAME, why);
}

/* Prints what crun and its container wrote on stderr in the last run. */
static void show_crun_stderr(void)
{
	static char buf[4096];
	char *line, *save;

	if (read_file(CRUN_STDERR, buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# bench: crun: %s\n", line);
}

/*
 * Runs a container of CRUN_BUNDLE with the config file @config, under a
 * name no other run had; returns crun's status, as spawn_status().
 */
static int crun_status(const char *config)
{
	static const struct redirect io[3] = {
		{ "/dev/null", O_RDONLY }, { "/dev/null", O_WRONLY },
		{ CRUN_STDERR, O_WRONLY | O_CREAT | O_TRUNC },
	};
	static unsigned long runs;
	char name[64], config_opt[128];
	char *argv[] = { CRUN, "--cgroup-manager=disabled", "run",
			 "--no-pivot", "--bundle=" CRUN_BUNDLE, config_opt,
			 name, NULL };

	snprintf(name, sizeof(name), "imans-bench-%d-%lu", getpid(), ++runs);
	snprintf(config_opt, sizeof(config_opt), "--config=%s", config);
	return spawn_status(argv, io);
}

/* The timed call: `crun run`, from the fork to the wait. */
static int crun_run(void *config)
{
	int status = crun_status(config);

	if (status)
		show_crun_stderr();
	return status < 0 ? status : status ? -EIO : 0;
}

/*
 * Untimed, before each run: lets the last container's deferred teardown
 * (its namespaces, its policy, RCU callbacks) finish.  An idle guest's
 * clock jumps to its next timer, so this costs no real time.
 */
static int crun_settle(void *unused)
{
	(void)unused;
	return usleep(CRUN_SETTLE_US) ? -errno : 0;
}

/* Puts in @path, of @size bytes, that of OCI_CONFIG, beside this program. */
static int find_oci_config(char *path, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", path,
			       size - sizeof(OCI_CONFIG));
	char *slash = len > 0 ? memrchr(path, '/', len) : NULL;

	if (!slash)
		return len < 0 ? -errno : -ENOENT;
	memcpy(slash + 1, OCI_CONFIG, sizeof(OCI_CONFIG));
	return access(path, R_OK) ? -errno : 0;
}

/*
 * Writes @path with @script, OCI_CONFIG: the config of a container that
 * runs @args in new pid, mount, uts and ipc namespaces; with @hook, the
 * createRuntime hook gives its mount namespace the policy CRUN_POLICY.
 * Returns the script's status, as spawn_status().
 */
static int write_crun_config(char *script, const char *path, bool hook,
			     char *const args[])
{
	const struct redirect io[3] = {
		{ NULL }, { path, O_WRONLY | O_CREAT | O_TRUNC }, { NULL },
	};
	char *argv[12] = { "bash", script };
	size_t n = 2;

	if (hook) {
		argv[n++] = "-p";
		argv[n++] = CRUN_POLICY;
		argv[n++] = "-a";
		argv[n++] = "--policy-dir=" CRUN_POLICIES;
	}
	argv[n++] = "--";
	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	return spawn_status(argv, io);
}

/*
 * Scenario 8, in a mount namespace of its own, not registered, where the
 * bundle's overlay is mounted and ends with it.  The rootfs is an overlay
 * of the disk's image layer, every file of which is hashed, and a tmpfs
 * upper directory that holds /bad, with a wrong hash.  Both configs run
 * /bin/true: 8-hook's with the hook and the annotation, 8-bare's without.
 * Untimed check first: a container that reads /bad can without the hook
 * and cannot with it.  crun needs cgroup2 on CGROUP_DIR, which the guest's
 * init mounts, even with --cgroup-manager=disabled.
 */
static int crun_scenario(void *unused)
{
	static const char * const dirs[] = { CRUN_DIR, CRUN_BUNDLE,
		CRUN_ROOTFS, CRUN_UPPER, CRUN_WORK, CRUN_POLICIES };
	const struct side sides[] = {
		{ S_CRUN_BARE, CRUN_BARE_ID, CRUN_BARE_NAME, crun_settle,
		  crun_run, CRUN_BARE_CFG },
		{ S_CRUN_HOOK, CRUN_HOOK_ID, CRUN_HOOK_NAME, crun_settle,
		  crun_run, CRUN_HOOK_CFG },
	};
	char script[PATH_MAX], read_bad[64], why[160];
	char *const run_true[] = { "/bin/true", NULL };
	char *const run_check[] = { "/bin/sh", "-c", read_bad, NULL };
	struct statfs sf;
	int status;
	size_t i;

	(void)unused;
	if (access(OCI_HOOK, X_OK)) {
		skip_crun("no OCI hook " OCI_HOOK " (make tools)");
		return 0;
	}
	if (access(LAYER_DIR "/bin/true", F_OK)) {
		skip_crun("no image layer in " LAYER_DIR " (harness/make-disk-image.sh)");
		return 0;
	}
	if (statfs(CGROUP_DIR, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC) {
		skip_crun("no cgroup2 on " CGROUP_DIR ", which crun needs");
		return 0;
	}
	status = find_oci_config(script, sizeof(script));
	if (status) {
		snprintf(why, sizeof(why), "no %s beside the benchmark: %s",
			 OCI_CONFIG, strerror(-status));
		skip_crun(why);
		return 0;
	}
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("a mount namespace for crun", errno);
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) && errno != EEXIST)
			die(dirs[i], errno);
	check(make_file(CRUN_UPPER "/bad", bad_text, strlen(bad_text), 0,
			0644), "create the container's /bad");
	check(set_ima_hash(CRUN_UPPER "/bad", bad_text, strlen(bad_text),
			   IMA_ALGO_SHA256, true), "hash the container's /bad");
	check(make_file(CRUN_POLICIES "/" CRUN_POLICY ".policy", RULES_CRUN,
			strlen(RULES_CRUN), 0, 0644), "write the policy file");
	if (mount("overlay", CRUN_ROOTFS, "overlay", 0,
		  "lowerdir=" LAYER_DIR ",upperdir=" CRUN_UPPER
		  ",workdir=" CRUN_WORK))
		die("mount the container's overlay", errno);
	snprintf(read_bad, sizeof(read_bad), "cat /bad || exit %d",
		 CRUN_DENIED);
	check(write_crun_config(script, CRUN_BARE_CFG, false, run_true),
	      "write " CRUN_BARE_CFG);
	check(write_crun_config(script, CRUN_HOOK_CFG, true, run_true),
	      "write " CRUN_HOOK_CFG);
	check(write_crun_config(script, CRUN_BARE_CHECK, false, run_check),
	      "write " CRUN_BARE_CHECK);
	check(write_crun_config(script, CRUN_HOOK_CHECK, true, run_check),
	      "write " CRUN_HOOK_CHECK);

	status = crun_status(CRUN_BARE_CHECK);
	if (status) {
		show_crun_stderr();
		if (status < 0)
			snprintf(why, sizeof(why), "cannot run %s: %s", CRUN,
				 strerror(-status));
		else
			snprintf(why, sizeof(why),
				 "crun run fails without the hook (status %d)",
				 status);
		skip_crun(why);
		return 0;
	}
	status = crun_status(CRUN_HOOK_CHECK);
	if (!status)
		die("the hook's policy lets the container read a bad hash",
		    EPERM);
	if (status != CRUN_DENIED) {
		show_crun_stderr();
		snprintf(why, sizeof(why),
			 "crun run fails with the OCI hook (status %d)", status);
		skip_crun(why);
		return 0;
	}
	measure_sides(sides, ARRAY_SIZE(sides), cfg->crun_iters, cfg->reps);
	return 0;
}

static void bench_crun(void)
{
	in_child(crun_scenario, NULL, "8");
	if (wait_no_ns_policy())
		die("the containers' policies stay after their end", EBUSY);
}

/* --- Scenario 9: a first open through overlayfs ----------------------- */

#define FIRST_EXT4_ID	"9-ext4"
#define FIRST_OVL_ID	"9-ovl"
#define FIRST_OVL_NAME	"same, through overlayfs (that ext4 directory lower, tmpfs upper)"
#define FIRST_GEN_XATTR	"user.ima_ns_bench"

/*
 * Makes IMA forget both verdicts of DISK_FILE, whichever path @data, its
 * struct hash_file or that of the overlay's file, has: it writes through
 * the ext4 path, as a write through the overlay would copy the file up.
 * Setting security.ima again resets the ext4 inode's verdict, through the
 * setxattr hook; the overlay inode's goes when IMA sees that the i_version
 * of the ext4 inode under it changed, but ext4 keeps it when an xattr is
 * set to the value it has: a new value of FIRST_GEN_XATTR changes it.
 * syncfs() then commits the journal, so that the commit does not run in
 * the timed open.
 */
static int reset_first(void *data)
{
	struct hash_file *h = data;
	char gen[24];
	int len = snprintf(gen, sizeof(gen), "%llu", now_ns());
	int disk, err;

	if (setxattr(DISK_FILE, FIRST_GEN_XATTR, gen, len, 0) ||
	    setxattr(DISK_FILE, "security.ima", h->xattr, sizeof(h->xattr), 0))
		return -errno;
	disk = open(DISK_BENCH_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (disk < 0)
		return -errno;
	err = syncfs(disk) ? -errno : 0;
	close(disk);
	return err;
}

/*
 * Scenario 9, in a namespace registered with RULES_FIRST, which appraises
 * the benchmark's files on ext4 and on overlayfs: the overlay, mounted in
 * that namespace, stacks a tmpfs upper directory on DISK_BENCH_DIR.
 * @data holds the two sides, 9-ext4 and 9-ovl: they open the same ext4
 * inode, whose pages stay in the page cache, and differ only in the path.
 * Checked first: both deny a bad hash, and the overlay's verdict follows a
 * change of security.ima on ext4.  Checked last: the opens of each side
 * cost at least half of what scenario 2's AF_ALG sha256 of as many bytes
 * did, so that they hashed the file.
 */
static int first_governed(void *data)
{
	static const char * const dirs[] = { OVL_DIR, OVL_UPPER, OVL_WORK,
					     OVL_MERGED };
	const struct side *sides = data;
	struct hash_file *h = sides[0].arg;
	unsigned char wrong[sizeof(h->xattr)];
	double least;
	size_t i;

	enter_policy(RULES_FIRST);
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) && errno != EEXIST)
			die(dirs[i], errno);
	if (mount("overlay", OVL_MERGED, "overlay", 0,
		  "lowerdir=" DISK_BENCH_DIR ",upperdir=" OVL_UPPER
		  ",workdir=" OVL_WORK))
		die("mount the overlay on " DISK_BENCH_DIR, errno);
	if (try_open(DISK_BAD_FILE) != -EACCES ||
	    try_open(OVL_BAD_FILE) != -EACCES)
		die("the rules do not deny a bad hash on ext4 and overlayfs",
		    EPERM);
	check(try_open(OVL_FILE), "open the hashed file through the overlay");
	memcpy(wrong, h->xattr, sizeof(wrong));
	wrong[2] ^= 1;
	if (setxattr(DISK_FILE, "security.ima", wrong, sizeof(wrong), 0))
		die("set security.ima", errno);
	if (try_open(OVL_FILE) != -EACCES)
		die("the overlay keeps its verdict after security.ima changed",
		    EPERM);
	check(reset_first(h), "set security.ima again");
	check(try_open(DISK_FILE), "open the hashed file on ext4");
	check(try_open(OVL_FILE), "open the hashed file through the overlay");
	measure_sides(sides, 2, cfg->first_iters, cfg->reps);
	/*
	 * A verdict that stayed would make a cheap "first" open; the smoke
	 * pass's files are too small to tell.
	 */
	least = samples[S_HASH + cfg->first_size_idx * NR_METHODS +
			M_AF_ALG].med / 2;
	for (i = 0; i < 2 && !smoke; i++)
		if (samples[sides[i].idx].med < least)
			die("9: opens cost less than half of an AF_ALG sha256",
			    EINVAL);
	return 0;
}

static void bench_first_open(void)
{
	struct hash_file ext4 = { .path = DISK_FILE,
				  .size = cfg->sizes[cfg->first_size_idx] };
	struct hash_file ovl;
	char size[24], sz[24], ext4_name[96], why[128];
	struct side sides[] = {
		{ S_FIRST_EXT4, FIRST_EXT4_ID, ext4_name, reset_first,
		  open_close, &ext4 },
		{ S_FIRST_OVL, FIRST_OVL_ID, FIRST_OVL_NAME, reset_first,
		  open_close, &ovl },
	};
	struct statfs sf;

	size_names(ext4.size, size, sz, sizeof(size));
	snprintf(ext4_name, sizeof(ext4_name),
		 "first open (hashing), %s, ext4, namespace rules", size);
	if (statfs(DISK_DIR, &sf) || sf.f_type != EXT4_SUPER_MAGIC) {
		snprintf(why, sizeof(why),
			 "no ext4 on %s (harness/make-disk-image.sh)", DISK_DIR);
		skip_sample(S_FIRST_EXT4, FIRST_EXT4_ID, ext4_name, why);
		skip_sample(S_FIRST_OVL, FIRST_OVL_ID, FIRST_OVL_NAME, why);
		return;
	}
	if (mkdir(DISK_BENCH_DIR, 0755) && errno != EEXIST)
		die("mkdir " DISK_BENCH_DIR, errno);
	make_hashed_file(&ext4);
	ovl = ext4;
	ovl.path = OVL_FILE;
	check(make_file(DISK_BAD_FILE, bad_text, strlen(bad_text),
			OWNER_BENCH, 0644), "create " DISK_BAD_FILE);
	check(set_ima_hash(DISK_BAD_FILE, bad_text, strlen(bad_text),
			   IMA_ALGO_SHA256, true), "hash " DISK_BAD_FILE);
	check(reset_first(&ext4), "hash " DISK_FILE);
	in_child(first_governed, sides, "9");
	unlink(DISK_FILE);
	unlink(DISK_BAD_FILE);
	rmdir(DISK_BENCH_DIR);
	free(ext4.data);
}

/* --- Scenario 10: log mode, and audit rules ----------------------------- */

#define RULE_AUDIT		"audit " OPEN_MATCH "\n"
#define PRINTK_RATELIMIT	"/proc/sys/kernel/printk_ratelimit"
/* How long a record may take to reach /dev/kmsg, and to not come. */
#define RECORD_WAIT_MS		1000
#define NO_RECORD_WAIT_MS	200

/* A side of scenario 10: OPEN_FILE, opened from a registered namespace. */
struct ns_open {
	int ns;			/* its nsfs descriptor */
	unsigned int nsid;
};

/* Untimed, before each open: enters the side's namespace. */
static int enter_side(void *data)
{
	const struct ns_open *o = data;

	return setns(o->ns, CLONE_NEWNS) ? -errno : 0;
}

static int open_bench_file(void *unused)
{
	(void)unused;
	return try_open(OPEN_FILE);
}

/* Opens @path from @o's namespace; returns 0 or -errno. */
static int open_in(struct ns_open *o, const char *path)
{
	check(enter_side(o), "enter a namespace of scenario 10");
	return try_open(path);
}

/* Writes @mode to the mode file of namespace @nsid, and reads it back. */
static void set_mode(unsigned int nsid, const char *mode)
{
	char path[64], want[16], buf[16];
	ssize_t len;

	snprintf(path, sizeof(path), IMA_DIR "/%u/mode", nsid);
	snprintf(want, sizeof(want), "%s\n", mode);
	len = write_file(path, mode, strlen(mode));
	if (len >= 0)
		len = read_file(path, buf, sizeof(buf));
	if (len < 0)
		die(path, -len);
	if (strcmp(buf, want))
		die("10: the mode file does not read back the mode written", EIO);
}

/* Counts the records with @what that name namespace @nsid, as kmsg_count(). */
static int ns_records(int kmsg, const char *what, unsigned int nsid,
		      int wait_ms)
{
	char mnt_ns[32];
	const char *const rec[] = { what, mnt_ns, NULL };

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", nsid);
	return kmsg_count(kmsg, rec, wait_ms, NULL, 0);
}

/* Scenario 10's namespaces, one per side, and its sides. */
enum { NS_LOG, NS_ENFORCE, NS_AUDIT, NS_APPRAISE, NR_MODE_NS };

static const struct {
	int idx;
	const char *id;
	const char *rules;
	const char *name;
} mode_sides[NR_MODE_NS] = {
	{ S_MODE_LOG, "10-log", RULE_OPEN,
	  "open+close, cached, namespace policy in log mode" },
	{ S_MODE_ENFORCE, "10-enforce", RULE_OPEN,
	  "same, the same policy in enforce mode" },
	{ S_AUDIT, "10-audit", RULE_AUDIT,
	  "open+close, namespace audit rule, its record emitted" },
	{ S_AUDIT_APPRAISE, "10-appraise", RULE_OPEN,
	  "same, an appraise rule instead, verdict cached" },
};

/*
 * Scenario 10, in one process that holds four registered namespaces and
 * enters one, untimed, before each timed open+close of OPEN_FILE; the
 * sides of each pair take turns.  10-log and 10-enforce: two namespaces
 * with RULE_OPEN, whose mode files were written "log" and "enforce", so
 * that they differ only in the mode.  10-audit and 10-appraise: RULE_AUDIT
 * and RULE_OPEN, the same conditions with another action.  Checked first:
 * log mode opens BAD_FILE with a permissive record, enforce mode refuses
 * it, and the audit rule's first open emits its type-1805 record and the
 * second none.  Checked last: the timed opens emitted none either.
 */
static int mode_scenario(void *unused)
{
	struct ns_open ns[NR_MODE_NS], *log = &ns[NS_LOG];
	struct ns_open *audit = &ns[NS_AUDIT];
	struct side sides[NR_MODE_NS];
	int home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	int kmsg = kmsg_open();
	int i;

	(void)unused;
	if (home < 0 || kmsg < 0)
		die("open /proc/self/ns/mnt and /dev/kmsg", errno);
	for (i = 0; i < NR_MODE_NS; i++) {
		ns[i].ns = policy_ns(home, mode_sides[i].rules, &ns[i].nsid);
		sides[i] = (struct side){ mode_sides[i].idx, mode_sides[i].id,
					  mode_sides[i].name, enter_side,
					  open_bench_file, &ns[i] };
	}
	set_mode(log->nsid, "log");
	set_mode(ns[NS_ENFORCE].nsid, "enforce");
	if (open_in(log, BAD_FILE))
		die("10: log mode does not let a bad hash open", EPERM);
	if (ns_records(kmsg, "permissive=1", log->nsid, RECORD_WAIT_MS) != 1)
		die("10: log mode did not report the bad hash once", ENOMSG);
	if (open_in(&ns[NS_ENFORCE], BAD_FILE) != -EACCES ||
	    open_in(&ns[NS_APPRAISE], BAD_FILE) != -EACCES)
		die("10: enforce mode does not deny a bad hash", EPERM);
	check(open_in(audit, OPEN_FILE), "10: open under the audit rule");
	if (ns_records(kmsg, "type=1805", audit->nsid, RECORD_WAIT_MS) != 1)
		die("10: the audit rule's first open did not emit one record",
		    ENOMSG);
	check(open_in(audit, OPEN_FILE), "10: open under the audit rule");
	if (ns_records(kmsg, "type=1805", audit->nsid, NO_RECORD_WAIT_MS))
		die("10: a second open under the audit rule emitted a record",
		    EEXIST);
	measure_sides(sides + NS_LOG, 2, cfg->open_iters, cfg->reps);
	measure_sides(sides + NS_AUDIT, 2, cfg->open_iters, cfg->reps);
	if (ns_records(kmsg, "type=1805", audit->nsid, 0))
		die("10: the timed opens under the audit rule emitted records",
		    EEXIST);
	return 0;
}

/*
 * run-bench.sh rate-limits printk_ratelimit() users, as kauditd is when
 * no audit daemon runs: the records of scenario 10's registrations could
 * use up the burst, and the records it checks would not reach /dev/kmsg.
 * The limit is lifted while it runs.
 */
static void bench_modes(void)
{
	char limit[32];
	ssize_t len = read_file(PRINTK_RATELIMIT, limit, sizeof(limit));

	if (len >= 0)
		len = write_file(PRINTK_RATELIMIT, "0\n", 2);
	if (len < 0)
		die(PRINTK_RATELIMIT, -len);
	in_child(mode_scenario, NULL, "10");
	len = write_file(PRINTK_RATELIMIT, limit, strlen(limit));
	if (len < 0)
		die(PRINTK_RATELIMIT, -len);
}

/* --- Scenario 11: measure rules in namespace policies -------------------- */

/*
 * Owners of scenario 11's files: the namespace rule selects the first, the
 * global rule the second, so that neither policy measures the other side's
 * files; no other file has them, so the global rule, which stays for the
 * rest of the boot, measures nothing else.  The rules differ only in the
 * owner: template=ima-ns, the default of namespace rules, gives the global
 * rule's entries the same fields.
 */
#define OWNER_MEAS_NS		73002
#define OWNER_MEAS_NS_STR	"73002"
#define OWNER_MEAS_GLOBAL	73003
#define OWNER_MEAS_GLOBAL_STR	"73003"
#define RULE_MEAS(owner)	"measure func=FILE_CHECK mask=MAY_READ fowner=" \
				owner " template=ima-ns\n"
#define RULE_MEAS_NS		RULE_MEAS(OWNER_MEAS_NS_STR)
#define RULE_MEAS_GLOBAL	RULE_MEAS(OWNER_MEAS_GLOBAL_STR)
/* Names of one length: both sides' entries hold as many bytes. */
#define MEAS_NS_FILE		BENCH_DIR "/meas_ns"
#define MEAS_GLOBAL_FILE	BENCH_DIR "/meas_gl"
#define MEAS_NS_BIG		BENCH_DIR "/meas_ns_big"
#define MEAS_GLOBAL_BIG		BENCH_DIR "/meas_gl_big"
#define MEAS_LIST		"ascii_runtime_measurements"
#define MEAS_NS_NAME		"same, the rule in a namespace policy"

/* A side of scenario 11: a file opened from a namespace. */
struct meas_open {
	bool global;		/* unregistered namespace, global rule */
	const char *path;
	int ns;			/* nsfs descriptor of the namespace */
	char list[64];		/* the measurement list its entries show in */
	char who[24];		/* their mntns field: " <nsid>:", " 0:0\n" */
	unsigned long opens;	/* opens since the last count */
};

/* Its samples: two files of OPEN_SIZE bytes, then two of scenario 9's size. */
enum { MEAS_GLOBAL, MEAS_NS, MEAS_FIRST_GLOBAL, MEAS_FIRST_NS, NR_MEAS };

/* Untimed, before each open of content measured already. */
static int meas_enter(void *data)
{
	const struct meas_open *m = data;

	return setns(m->ns, CLONE_NEWNS) ? -errno : 0;
}

/*
 * Untimed, before each first measurement: enters the side's namespace and
 * writes over the first bytes of the file a number that neither file held
 * before, so that the open which follows meets content that its policy
 * never measured.  The writer is closed before that open: no violation.
 */
static int meas_new_content(void *data)
{
	static unsigned long long gen;
	const struct meas_open *m = data;
	int fd, err = 0;

	if (setns(m->ns, CLONE_NEWNS))
		return -errno;
	fd = open(m->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	gen++;
	if (pwrite(fd, &gen, sizeof(gen), 0) != sizeof(gen))
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int meas_open_read(void *data)
{
	struct meas_open *m = data;

	m->opens++;
	return open_read_close((char *)m->path);
}

static int meas_open_close(void *data)
{
	struct meas_open *m = data;

	m->opens++;
	return try_open(m->path);
}

/*
 * Counts the lines of the measurement list @list that name @path and hold
 * @who; returns the count or -errno.
 */
static long count_entries(const char *list, const char *path, const char *who)
{
	char name[128], *line = NULL;
	size_t size = 0;
	long n = 0;
	FILE *f = fopen(list, "re");

	if (!f)
		return -errno;
	snprintf(name, sizeof(name), " %s ", path);
	while (getline(&line, &size, f) > 0)
		if (strstr(line, name) && strstr(line, who))
			n++;
	free(line);
	fclose(f);
	return n;
}

/* The entries of @m's file in @m's list. */
static long meas_entries(const struct meas_open *m)
{
	long n = count_entries(m->list, m->path, m->who);

	if (n < 0)
		die(m->list, -n);
	return n;
}

static void skip_measure(const struct side *sides, const char *why)
{
	int k;

	for (k = 0; k < NR_MEAS; k++)
		skip_sample(sides[k].idx, sides[k].id, sides[k].name, why);
}

/* Makes a copy of the caller's mount namespace, as 1b's; returns its fd. */
static int plain_ns(int home)
{
	int fd;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("a mount namespace of scenario 11", errno);
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /proc/self/ns/mnt", errno);
	enter_ns(home);
	return fd;
}

/*
 * Scenario 11, in one process that registers a namespace with RULE_MEAS_NS
 * and adds RULE_MEAS_GLOBAL to the global policy, then opens each side's
 * file from its namespace, entered untimed before each timed open: the
 * registered one, or a copy of the host's that no namespace policy
 * governs, made as the registered one was, so that the two differ only in
 * the registration.  11-global and 11-ns: open+read+close of a file
 * measured already.  The first-measurement sides write new content,
 * untimed, before each open+close.
 * Checked first: the first open of a measured file adds one entry, in the
 * namespace's list and in the global one with the namespace's identity, or
 * in the global one with 0:0, and the second adds none.  Checked last: the
 * timed opens of measured content added none, and each first measurement
 * added one.
 */
static int measure_scenario(void *data)
{
	const struct side *sides = data;
	struct meas_open *m[NR_MEAS];
	long before[NR_MEAS];
	unsigned int nsid;
	char why[128];
	int home, ns, plain, k, err;
	ssize_t ret;

	for (k = 0; k < NR_MEAS; k++)
		m[k] = sides[k].arg;
	home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		die("open /proc/self/ns/mnt", errno);
	nsid = enter_registered_ns();
	if (!nsid)
		die("register a namespace", errno);
	err = load_policy(nsid, RULE_MEAS_NS);
	if (err) {
		snprintf(why, sizeof(why),
			 "a namespace policy refuses the measure rule: %s",
			 strerror(-err));
		skip_measure(sides, why);
		return 0;
	}
	ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		die("open /proc/self/ns/mnt", errno);
	enter_ns(home);
	ret = write_file(IMA_DIR "/policy", RULE_MEAS_GLOBAL,
			 strlen(RULE_MEAS_GLOBAL));
	if (ret < 0) {
		snprintf(why, sizeof(why),
			 "the global policy refuses the measure rule: %s",
			 strerror(-ret));
		skip_measure(sides, why);
		return 0;
	}
	plain = plain_ns(home);
	for (k = 0; k < NR_MEAS; k++) {
		m[k]->ns = m[k]->global ? plain : ns;
		if (m[k]->global) {
			snprintf(m[k]->list, sizeof(m[k]->list),
				 IMA_DIR "/" MEAS_LIST);
			snprintf(m[k]->who, sizeof(m[k]->who), " 0:0\n");
		} else {
			snprintf(m[k]->list, sizeof(m[k]->list),
				 IMA_DIR "/%u/" MEAS_LIST, nsid);
			snprintf(m[k]->who, sizeof(m[k]->who), " %u:", nsid);
		}
		before[k] = meas_entries(m[k]);
	}

	for (k = MEAS_GLOBAL; k <= MEAS_NS; k++) {
		check(meas_enter(m[k]), "11: enter a namespace");
		check(try_open(m[k]->path), "11: open a file to measure");
		if (meas_entries(m[k]) != before[k] + 1)
			die("11: the first open of a file did not add one entry",
			    ENOMSG);
		check(try_open(m[k]->path), "11: open a file to measure");
		if (meas_entries(m[k]) != ++before[k])
			die("11: a second open of measured content added an entry",
			    EEXIST);
	}
	if (count_entries(IMA_DIR "/" MEAS_LIST, m[MEAS_NS]->path,
			  m[MEAS_NS]->who) != 1)
		die("11: the namespace's entry is not in the global list once",
		    ENOMSG);
	measure_sides(sides + MEAS_GLOBAL, 2, cfg->open_iters, cfg->reps);
	for (k = MEAS_GLOBAL; k <= MEAS_NS; k++)
		if (meas_entries(m[k]) != before[k])
			die("11: the timed opens of measured content added entries",
			    EEXIST);

	for (k = MEAS_FIRST_GLOBAL; k < NR_MEAS; k++)
		m[k]->opens = 0;
	measure_sides(sides + MEAS_FIRST_GLOBAL, 2, cfg->first_iters,
		      cfg->reps);
	for (k = MEAS_FIRST_GLOBAL; k < NR_MEAS; k++) {
		if (meas_entries(m[k]) != before[k] + (long)m[k]->opens)
			die("11: a first measurement did not add one entry",
			    ENOMSG);
		printf("# bench: %-5s %lu first measurements, as many entries in %s\n",
		       sides[k].id, m[k]->opens, m[k]->list);
	}
	return 0;
}

/*
 * Scenario 11 comes after 1b: its global rule stays, and 1b's global
 * policy must hold only 1b's rule.  Its files are created here, the
 * first-measurement ones of scenario 9's size.
 */
static void bench_measure(void)
{
	size_t i, size = cfg->sizes[cfg->first_size_idx];
	char size_name[16], sz[16], ids[2][32], first_name[96];
	struct meas_open m[NR_MEAS] = {
		{ .global = true, .path = MEAS_GLOBAL_FILE },
		{ .global = false, .path = MEAS_NS_FILE },
		{ .global = true, .path = MEAS_GLOBAL_BIG },
		{ .global = false, .path = MEAS_NS_BIG },
	};
	const struct side sides[NR_MEAS] = {
		{ S_MEAS_GLOBAL, "11-global",
		  "open+read 4 KiB+close, global measure rule, measured already",
		  meas_enter, meas_open_read, &m[MEAS_GLOBAL] },
		{ S_MEAS_NS, "11-ns", MEAS_NS_NAME, meas_enter, meas_open_read,
		  &m[MEAS_NS] },
		{ S_MEAS_FIRST_GLOBAL, ids[0], first_name, meas_new_content,
		  meas_open_close, &m[MEAS_FIRST_GLOBAL] },
		{ S_MEAS_FIRST_NS, ids[1], MEAS_NS_NAME, meas_new_content,
		  meas_open_close, &m[MEAS_FIRST_NS] },
	};
	unsigned char *data = malloc(size);
	int k;

	if (!data)
		die("malloc", ENOMEM);
	size_names(size, size_name, sz, sizeof(size_name));
	snprintf(ids[0], sizeof(ids[0]), "11-%s-global", sz);
	snprintf(ids[1], sizeof(ids[1]), "11-%s-ns", sz);
	snprintf(first_name, sizeof(first_name),
		 "first measurement (hashing), %s, global measure rule",
		 size_name);
	for (i = 0; i < size; i++)
		data[i] = (i * 2654435761u) >> 24;
	for (k = 0; k < NR_MEAS; k++)
		check(make_file(m[k].path, data,
				k < MEAS_FIRST_GLOBAL ? OPEN_SIZE : size,
				m[k].global ? OWNER_MEAS_GLOBAL : OWNER_MEAS_NS,
				0644), "create a file of scenario 11");
	in_child(measure_scenario, (void *)sides, "11");
	if (wait_no_ns_policy())
		die("11: the namespace policy stays after its end", EBUSY);
	for (k = 0; k < NR_MEAS; k++)
		unlink(m[k].path);
	free(data);
}

/* --- 1(a), 1(b) and 1(d): ungoverned opens ------------------------------ */

struct open_job {
	int idx;
	const char *id;
	const char *name;
	int bad;	/* what opening BAD_FILE must give: 0 or -EACCES */
};

/* Measures open_read_close() in a new mount namespace, not registered. */
static int ungoverned_open(void *data)
{
	const struct open_job *job = data;

	if (unshare(CLONE_NEWNS))
		die("unshare", errno);
	if (try_open(BAD_FILE) != job->bad)
		die("opening a file with a bad hash gives the wrong result",
		    EPERM);
	measure(job->idx, job->id, job->name, cfg->open_iters, cfg->reps,
		NULL, open_read_close, OPEN_FILE);
	return 0;
}

static void bench_ungoverned(int idx, const char *id, const char *name,
			     int bad)
{
	struct open_job job = { idx, id, name, bad };

	in_child(ungoverned_open, &job, id);
}

/*
 * A process that keeps mount namespaces alive through their nsfs
 * descriptors, and creates and registers them when asked.
 */
struct holder {
	pid_t pid;
	int cmd;	/* the parent writes a struct holder_cmd */
	int reply;	/* the holder answers 0 or -errno */
};

struct holder_cmd {
	unsigned int alive;		/* namespaces to keep alive */
	unsigned int registered;	/* how many of them to register */
};

/*
 * Creates a mount namespace that an open descriptor keeps alive, and gives
 * its nsid.  Going back home makes every namespace a copy of the same,
 * ungoverned, one.
 */
static int add_namespace(int home, unsigned int *nsid)
{
	struct stat st;
	int fd;

	if (unshare(CLONE_NEWNS))
		return -errno;
	fd = open("/proc/self/ns/mnt", O_RDONLY);
	if (fd < 0)
		return -errno;
	if (setns(home, CLONE_NEWNS) || fstat(fd, &st))
		return -errno;
	*nsid = st.st_ino;
	return 0;
}

static int holder_loop(int cmd, int reply, unsigned int max)
{
	unsigned int *ids = calloc(max, sizeof(*ids));
	unsigned int alive = 0, registered = 0;
	int home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	struct holder_cmd c;
	int err = 0;

	if (!ids)
		err = -ENOMEM;
	else if (home < 0)
		err = -errno;
	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		while (!err && alive < c.alive && alive < max)
			err = add_namespace(home, &ids[alive++]);
		while (!err && registered < c.registered && registered < alive)
			err = register_ns(ids[registered++]);
		if (write(reply, &err, sizeof(err)) != sizeof(err))
			return 1;
	}
	return 0;
}

static void holder_start(struct holder *h, unsigned int max)
{
	struct rlimit rl = { max + 64, max + 64 };
	int cmd[2], reply[2];

	if (pipe(cmd) || pipe(reply))
		die("pipe", errno);
	h->pid = fork();
	if (h->pid < 0)
		die("fork", errno);
	if (!h->pid) {
		close(cmd[1]);
		close(reply[0]);
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(1);
		_exit(holder_loop(cmd[0], reply[1], max));
	}
	close(cmd[0]);
	close(reply[1]);
	h->cmd = cmd[1];
	h->reply = reply[0];
}

static void holder_set(struct holder *h, unsigned int alive,
		       unsigned int registered)
{
	struct holder_cmd c = { alive, registered };
	int err;

	if (write(h->cmd, &c, sizeof(c)) != sizeof(c) ||
	    read(h->reply, &err, sizeof(err)) != sizeof(err))
		die("talk to the namespace holder", EPIPE);
	check(err, "create and register namespaces");
}

/* Every namespace the holder kept dies with it. */
static void holder_stop(struct holder *h)
{
	int status;

	close(h->cmd);
	close(h->reply);
	if (waitpid(h->pid, &status, 0) != h->pid || status)
		die("the namespace holder failed", EIO);
}

/* Lets more mount namespaces exist than the default limit allows. */
static void raise_mnt_ns_limit(unsigned int want)
{
	char buf[32];
	ssize_t len = read_file(MAX_MNT_NS, buf, sizeof(buf));

	if (len < 0)
		die(MAX_MNT_NS, -len);
	if (strtoul(buf, NULL, 10) >= want)
		return;
	snprintf(buf, sizeof(buf), "%u\n", want);
	len = write_file(MAX_MNT_NS, buf, strlen(buf));
	if (len < 0)
		die(MAX_MNT_NS, -len);
}

/*
 * 1(d) keeps the largest number of namespaces alive throughout and
 * registers more and more of them, so that only the registrations change
 * between its steps.  1(a) with as many namespaces alive and none
 * registered tells what the namespaces themselves cost (mount hash
 * chains), apart from IMA.
 */
static void bench_registered(void)
{
	unsigned int max = cfg->pops[NR_POPS - 1];
	int policy = CYCLE_POLICY;
	char id[32], name[96], buf[64];
	struct holder h;
	int n;

	printf("# bench: creating %u mount namespaces\n", max);
	holder_start(&h, max);
	holder_set(&h, max, 0);
	snprintf(id, sizeof(id), "1a-%u", max);
	snprintf(name, sizeof(name),
		 "same, no policy, %u namespaces alive, none registered", max);
	bench_ungoverned(S_OPEN_MANY, id, name, 0);
	snprintf(id, sizeof(id), "0-%u", max);
	snprintf(name, sizeof(name), "same as 0, %u namespaces alive", max);
	measure(S_PROBE_MANY, id, name, cfg->open_iters, cfg->reps, NULL,
		open_empty, "");
	snprintf(id, sizeof(id), "3-cycle-%u", max);
	snprintf(name, sizeof(name),
		 "same as 3-cycle, %u namespaces alive, none registered", max);
	measure(S_NS_CYCLE_MANY, id, name, cfg->cycle_iters, cfg->reps, NULL,
		ns_cycle, &policy);
	for (n = 0; n < NR_POPS; n++) {
		printf("# bench: registering %u of them\n", cfg->pops[n]);
		holder_set(&h, max, cfg->pops[n]);
		snprintf(id, sizeof(id), "1d-%u", cfg->pops[n]);
		snprintf(name, sizeof(name),
			 "same, unregistered namespace, %u alive, %u registered",
			 max, cfg->pops[n]);
		bench_ungoverned(S_OPEN_UNREG + n, id, name, 0);
	}
	snprintf(id, sizeof(id), "3-cycle-%ur", max);
	snprintf(name, sizeof(name),
		 "same as 3-cycle, %u namespaces alive, all registered", max);
	measure(S_NS_CYCLE_MANY_REG, id, name, cfg->cycle_iters, cfg->reps,
		NULL, ns_cycle, &policy);
	holder_stop(&h);
	if (read_file(IMA_NAMESPACES, buf, sizeof(buf)) != 0)
		die("namespaces stay registered after their end", EBUSY);
	measure(S_NS_CYCLE_AGAIN, "3-cycle-2",
		"same as 3-cycle, again once they are gone", cfg->cycle_iters,
		cfg->reps, NULL, ns_cycle, &policy);
}

/*
 * The test kernel's allocator (SLUB_TINY) makes a names_cache allocation
 * and free, which every path lookup does, cost some 800 instructions more
 * until the first mass teardown of mount namespaces, and less after it.
 * Go through one before measuring, so that every scenario runs in the same
 * state; the open("") probe at the start and at the end checks that it
 * held.
 */
static void precondition(void)
{
	struct holder h;

	holder_start(&h, cfg->precondition);
	holder_set(&h, cfg->precondition, 0);
	holder_stop(&h);
}

/* --- Report -------------------------------------------------------------- */

struct row {
	int idx;
	int base;	/* index of the baseline, or -1, or SIGV_ROW */
	double limit;	/* goal: ratio <= limit; 0 for none */
	const char *goal;
};

/* The base of 5-sigv's row, which has a count and no ratio. */
#define SIGV_ROW	-2

static const struct row rows[] = {
	{ S_PROBE, -1, 0, NULL },
	{ S_PROBE_END, S_PROBE, 0, NULL },
	{ S_PROBE_MANY, S_PROBE, 0, NULL },
	{ S_OPEN_NONE, -1, 0, NULL },
	{ S_OPEN_GLOBAL, S_OPEN_NONE, 0, NULL },
	{ S_OPEN_NS, S_OPEN_GLOBAL, 1.02, "≤ 1.02" },
	{ S_OPEN_NS, S_OPEN_NONE, 1.15, "≤ 1.15" },
	{ S_OPEN_MANY, S_OPEN_NONE, 0, NULL },
	{ S_OPEN_UNREG, S_OPEN_MANY, 0, NULL },
	{ S_OPEN_UNREG + 1, S_OPEN_UNREG, 0, NULL },
	{ S_OPEN_UNREG + 2, S_OPEN_UNREG, 0, NULL },
	{ S_OPEN_UNREG + 3, S_OPEN_UNREG, 1.02, "≤ 1.02" },
	{ S_OPEN_UNREG + 3, S_OPEN_NONE, 1.01, "≤ 1.01" },
	{ S_OPEN_UNREG + 3, S_OPEN_MANY, 0, NULL },
	{ S_OPEN_NONE_AGAIN, S_OPEN_NONE, 0, NULL },
	{ S_HASH + 0 + M_IMA, S_HASH + 0 + M_AF_ALG, 0, NULL },
	{ S_HASH + 0 + M_AF_ALG, -1, 0, NULL },
	{ S_HASH + 0 + M_SHA256SUM, S_HASH + 0 + M_AF_ALG, 0, NULL },
	{ S_HASH + 3 + M_IMA, S_HASH + 3 + M_AF_ALG, 0, NULL },
	{ S_HASH + 3 + M_AF_ALG, -1, 0, NULL },
	{ S_HASH + 3 + M_SHA256SUM, S_HASH + 3 + M_AF_ALG, 0, NULL },
	{ S_HASH + 6 + M_IMA, S_HASH + 6 + M_AF_ALG, 1 / 0.9,
	  "≤ 1.111 (≥ 0.9× AF_ALG throughput)" },
	{ S_HASH + 6 + M_AF_ALG, -1, 0, NULL },
	{ S_HASH + 6 + M_SHA256SUM, S_HASH + 6 + M_AF_ALG, 0, NULL },
	{ S_NS_BARE, -1, 0, NULL },
	{ S_NS_REGISTER, S_NS_BARE, 0, NULL },
	{ S_NS_CYCLE, S_NS_BARE, 0, NULL },
	{ S_NS_CYCLE_MANY, S_NS_CYCLE, 1.05, "≤ 1.05" },
	{ S_NS_CYCLE_MANY_REG, S_NS_CYCLE, 0, NULL },
	{ S_NS_CYCLE_AGAIN, S_NS_CYCLE, 0, NULL },
	{ S_EXEC_NONE, -1, 0, NULL },
	{ S_EXEC_BPRM, S_EXEC_NONE, 0, NULL },
	{ S_SIG_ONE, -1, 0, NULL },
	{ S_SIG_ALT, S_SIG_ONE, 1.05, "≤ 1.05" },
	{ S_SIG_ALT, SIGV_ROW, SIGV_LIMIT, "≤ 2" },
	{ S_SIG_EXEC, -1, 0, NULL },
	{ S_SIG_EXEC_MIX, S_SIG_EXEC, 1.02, "≤ 1.02" },
	{ S_SETNS_STOCK, -1, 0, NULL },
	{ S_SETNS_UNGOV, S_SETNS_STOCK, 0, NULL },
	{ S_SETNS_SAME, S_SETNS_STOCK, 1.05, "≤ 1.05" },
	{ S_SETNS_SAME, S_SETNS_UNGOV, 0, NULL },
	{ S_CRUN_BARE, -1, 0, NULL },
	{ S_CRUN_HOOK, S_CRUN_BARE, 1.10, "≤ 1.10" },
	{ S_FIRST_EXT4, -1, 0, NULL },
	{ S_FIRST_OVL, S_FIRST_EXT4, 1.05, "≤ 1.05" },
	{ S_MODE_ENFORCE, -1, 0, NULL },
	{ S_MODE_LOG, S_MODE_ENFORCE, 1.02, "≤ 1.02" },
	{ S_AUDIT_APPRAISE, S_MODE_ENFORCE, 0, NULL },
	{ S_AUDIT, S_AUDIT_APPRAISE, 1.02, "≤ 1.02" },
	{ S_MEAS_GLOBAL, -1, 0, NULL },
	{ S_MEAS_NS, S_MEAS_GLOBAL, 1.02, "≤ 1.02" },
	{ S_MEAS_FIRST_GLOBAL, -1, 0, NULL },
	{ S_MEAS_FIRST_NS, S_MEAS_FIRST_GLOBAL, 1.05, "≤ 1.05" },
};

#define NR_ROWS	ARRAY_SIZE(rows)

/* The ratio to the baseline; 0 when there is none, or it measured 0. */
static double row_ratio(const struct row *r)
{
	double base = r->base < 0 ? 0 : samples[r->base].med;

	return base > 0 ? samples[r->idx].med / base : 0;
}

static const char *sigv_result(void)
{
	if (smoke)
		return "not judged";
	return sig->count >= 0 && sig->count <= SIGV_LIMIT ? "PASS" : "MISS";
}

/* A goal that could not be measured is missed. */
static const char *row_result(const struct row *r)
{
	if (!r->limit)
		return "";
	if (r->base == SIGV_ROW)
		return sigv_result();
	if (smoke)
		return "not judged";
	return row_ratio(r) && row_ratio(r) <= r->limit ? "PASS" : "MISS";
}

/* Why a row has no ratio: its sample's or its baseline's reason. */
static const char *row_why(const struct row *r)
{
	if (samples[r->idx].why[0])
		return samples[r->idx].why;
	if (r->base >= 0 && samples[r->base].why[0])
		return samples[r->base].why;
	return "not measured";
}

/* 5-sigv's row: a count, not instructions, in the median's column. */
static void print_sigv_row(const struct row *r)
{
	if (sig->count < 0)
		printf("| 5-sigv: signature verifications: %s | n/a", sig->why);
	else
		printf("| 5-sigv: signature verifications in %lu alternating opens (%s) | %ld",
		       sig->opens, sig->probe, sig->count);
	printf(" | | | count | %s | %s |\n", r->goal, row_result(r));
}

static void print_table(void)
{
	const struct row *r;
	const struct sample *s;
	char ratio[64];

	printf("| Scenario | Median (instructions) | Min | Max | Ratio | Goal | Result |\n");
	printf("|---|---:|---:|---:|---|---|---|\n");
	for (r = rows; r < rows + NR_ROWS; r++) {
		if (r->base == SIGV_ROW) {
			print_sigv_row(r);
			continue;
		}
		s = &samples[r->idx];
		if (s->why[0]) {
			printf("| %s: %s | n/a | | | not measured | %s | %s |\n",
			       s->id, s->name, r->goal ? r->goal : "",
			       row_result(r));
			continue;
		}
		if (r->base < 0)
			snprintf(ratio, sizeof(ratio), "baseline");
		else if (!row_ratio(r))
			snprintf(ratio, sizeof(ratio), "n/a");
		else
			snprintf(ratio, sizeof(ratio), "%.3f vs %s",
				 row_ratio(r), samples[r->base].id);
		printf("| %s: %s | %.0f | %.0f | %.0f | %s | %s | %s |\n",
		       s->id, s->name, s->med, s->min, s->max, ratio,
		       r->goal ? r->goal : "", row_result(r));
	}
}

static void print_goals(void)
{
	const struct row *r;

	for (r = rows; r < rows + NR_ROWS; r++) {
		if (!r->limit)
			continue;
		if (r->base == SIGV_ROW && sig->count < 0)
			printf("%s: 5-sigv not counted (%s), goal %s\n",
			       row_result(r), sig->why, r->goal);
		else if (r->base == SIGV_ROW)
			printf("%s: 5-sigv = %ld verifications in %lu alternating opens, goal %s\n",
			       row_result(r), sig->count, sig->opens, r->goal);
		else if (!row_ratio(r))
			printf("%s: %s / %s not measured (%s), goal %s\n",
			       row_result(r), samples[r->idx].id,
			       samples[r->base].id, row_why(r), r->goal);
		else
			printf("%s: %s / %s = %.3f, goal %s\n",
			       row_result(r), samples[r->idx].id,
			       samples[r->base].id, row_ratio(r), r->goal);
	}
}

/* count is -1 when there is none, and no_count says why. */
static void print_sigv_json(const struct row *r)
{
	printf("    { \"scenario\": \"5-sigv\", \"probe\": \"%s\", ",
	       sig->probe);
	printf("\"opens\": %lu, \"count\": %ld, \"max_count\": %.0f, ",
	       sig->opens, sig->count, r->limit);
	printf("\"result\": \"%s\"", row_result(r));
	if (sig->count < 0)
		printf(", \"no_count\": \"%s\"", sig->why);
	printf(" }");
}

static void print_json(void)
{
	const struct sample *s;
	const struct row *r;
	const char *sep = "";
	struct utsname u;
	int i;

	uname(&u);
	printf("{\n  \"kernel\": \"%s\",\n  \"kernel_build\": \"%s\",\n",
	       u.release, u.version);
	printf("  \"unit\": \"%s\",\n",
	       "guest CLOCK_MONOTONIC ns per call, instructions under -icount shift=0");
	printf("  \"smoke\": %s,\n  \"scenarios\": [\n", smoke ? "true" : "false");
	for (s = samples; s < samples + NR_SAMPLES; s++) {
		printf("    { \"id\": \"%s\", \"name\": \"%s\", \"iterations\": %lu, ",
		       s->id, s->name, s->iters);
		printf("\"median\": %.1f, \"min\": %.1f, \"max\": %.1f, \"reps\": [",
		       s->med, s->min, s->max);
		for (i = 0; i < s->reps; i++)
			printf("%s%.1f", i ? ", " : "", s->ns[i]);
		printf("]");
		if (s->why[0])
			printf(", \"not_measured\": \"%s\"", s->why);
		printf(" }%s\n", s + 1 < samples + NR_SAMPLES ? "," : "");
	}
	printf("  ],\n  \"goals\": [\n");
	for (r = rows; r < rows + NR_ROWS; r++) {
		if (!r->limit)
			continue;
		printf("%s", sep);
		sep = ",\n";
		if (r->base == SIGV_ROW) {
			print_sigv_json(r);
			continue;
		}
		printf("    { \"scenario\": \"%s\", \"versus\": \"%s\", ",
		       samples[r->idx].id, samples[r->base].id);
		printf("\"ratio\": %.4f, \"max_ratio\": %.4f, \"result\": \"%s\" }",
		       row_ratio(r), r->limit, row_result(r));
	}
	printf("\n  ]\n}\n");
}

/* --- Main ----------------------------------------------------------------- */

static void setup_files(void)
{
	static unsigned char content[OPEN_SIZE];
	size_t i;

	if (mkdir(BENCH_DIR, 0755) && errno != EEXIST)
		die("mkdir " BENCH_DIR, errno);
	for (i = 0; i < sizeof(content); i++)
		content[i] = 'a' + i % 26;
	check(make_file(OPEN_FILE, content, sizeof(content), OWNER_BENCH, 0644),
	      "create " OPEN_FILE);
	check(set_ima_hash(OPEN_FILE, content, sizeof(content),
			   IMA_ALGO_SHA256, false), "hash " OPEN_FILE);
	check(make_file(BAD_FILE, content, sizeof(content), OWNER_BENCH, 0644),
	      "create " BAD_FILE);
	check(set_ima_hash(BAD_FILE, content, sizeof(content),
			   IMA_ALGO_SHA256, true), "hash " BAD_FILE);
	/* Scenario 5's, as scenario 6's. */
	check(make_file(SIG_FILE, content, sizeof(content), OWNER_SIG, 0644),
	      "create " SIG_FILE);
	check(make_file(SIG_HASH_FILE, content, sizeof(content), OWNER_SIG,
			0644), "create " SIG_HASH_FILE);
	check(set_ima_hash(SIG_HASH_FILE, content, sizeof(content),
			   IMA_ALGO_SHA256, false), "hash " SIG_HASH_FILE);
	make_tiny_files();
	sign_files();
}

/* Keeps the benchmark on one CPU: migrations would add noise. */
static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
	int bare = CYCLE_BARE, reg = CYCLE_REGISTER, policy = CYCLE_POLICY;
	ssize_t ret;
	int opt;

	if (argc == 2 && !strcmp(argv[1], "--exit"))
		return 0;	/* the small executable, where not x86-64 */
	while ((opt = getopt(argc, argv, "s")) != -1) {
		if (opt != 's') {
			fprintf(stderr, "usage: %s [-s]\n", argv[0]);
			return 2;
		}
		smoke = true;
		cfg = &smoke_config;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() || !ima_ns_available()) {
		printf("# bench: SKIP: needs root, CONFIG_IMA_NS and ima_appraise=enforce_ns\n");
		return 4;
	}
	samples = mmap(NULL, sizeof(*samples) * NR_SAMPLES,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (samples == MAP_FAILED)
		die("mmap", errno);
	sig = mmap(NULL, sizeof(*sig), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sig == MAP_FAILED)
		die("mmap", errno);
	pin_to_cpu0();
	setup_files();
	printf("# bench: %s pass; figures are guest ns per call\n",
	       smoke ? "smoke" : "full");

	raise_mnt_ns_limit(cfg->pops[NR_POPS - 1] + cfg->precondition + 1000);
	precondition();
	measure(S_PROBE, "0", "open() of an empty path: names_cache alloc+free, state probe",
		cfg->open_iters, cfg->reps, NULL, open_empty, "");

	/* Nothing registered, no global rule. */
	bench_ungoverned(S_OPEN_NONE, "1a", "open+read 4 KiB+close, no IMA policy",
			 0);
	measure(S_EXEC_NONE, "4-none", "exec of a small static binary, no policy",
		cfg->exec_iters, cfg->reps, NULL, exec_tiny, TINY_FILE);
	measure(S_NS_BARE, "3-bare", "unshare -m + exit (fork, wait)",
		cfg->cycle_iters, cfg->reps, NULL, ns_cycle, &bare);
	/* 7-stock needs a boot where no namespace policy exists yet. */
	in_child(setns_scenario, RULES_CYCLE, "7");

	/* Namespace policies, each living as long as its child. */
	in_child(governed_open, RULE_OPEN, "1(c) and 2");
	in_child(governed_exec, RULE_EXEC, "4");
	bench_signed();
	bench_modes();
	measure(S_NS_REGISTER, "3-register", "same + register, no rules + teardown",
		cfg->cycle_iters, cfg->reps, NULL, ns_cycle, &reg);
	measure(S_NS_CYCLE, "3-cycle",
		"same + register + 3-rule policy + teardown",
		cfg->cycle_iters, cfg->reps, NULL, ns_cycle, &policy);
	bench_registered();
	bench_crun();
	bench_first_open();
	bench_ungoverned(S_OPEN_NONE_AGAIN, "1a-2",
			 "open+read 4 KiB+close, no policy, again after 1(d)", 0);

	/* Last: a global rule stays for the rest of the boot. */
	ret = write_file(IMA_DIR "/policy", RULE_OPEN, strlen(RULE_OPEN));
	if (ret < 0)
		die("load the global rule", -ret);
	bench_ungoverned(S_OPEN_GLOBAL, "1b",
			 "open+read 4 KiB+close, global rule, verdict cached",
			 -EACCES);
	/* After 1b, whose global policy must hold only its rule. */
	bench_measure();
	measure(S_PROBE_END, "0-end", "same, at the end",
		cfg->open_iters, cfg->reps, NULL, open_empty, "");

	printf("--- ima_ns_bench: table ---\n");
	print_table();
	printf("--- ima_ns_bench: goals ---\n");
	print_goals();
	printf("--- ima_ns_bench: json ---\n");
	print_json();
	printf("--- ima_ns_bench: end ---\n");
	return 0;
}
