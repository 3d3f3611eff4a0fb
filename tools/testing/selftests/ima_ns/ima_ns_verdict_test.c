// SPDX-License-Identifier: GPL-2.0
/*
 * IMA namespace policies: the verdict cache.  A cached appraisal verdict
 * holds only for the policy, the rule flags and the content it was reached
 * under: it must not outlive a change made while no policy existed, lend
 * one namespace's rule flags to another, bless an ungoverned writer's
 * content, or drop a check of the hook that asked for it.
 *
 * No test here loads a global rule, and the no_policy tests need a boot
 * in which none was loaded yet: the Makefile runs this program first.
 * The tests with global rules are in ima_ns_verdict_global_test.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

#include "../kselftest_harness.h"
#include "common.h"
#include "ns_fixture.h"

#define RULE_IMASIG	"appraise fsmagic=0x1021994 fowner=71452 appraise_type=imasig\n"
#define RULE_SIGV3	"appraise fsmagic=0x1021994 fowner=71452 digest_type=verity appraise_type=sigv3\n"
#define RULE_MMAP	"appraise func=MMAP_CHECK fsmagic=0x1021994 fowner=71452\n"

/*
 * harness/make-test-keys.sh's keys: guest/init adds the test key's
 * certificate, signed by the CA built into the kernel, to the .ima
 * keyring; no trusted key vouches for the rogue one.
 */
#define TEST_KEY	"/etc/keys/ima-test-priv.pem"
#define ROGUE_KEY	"/etc/keys/ima-rogue-priv.pem"
#define ROGUE_CERT	"/etc/keys/ima-rogue-x509.der"
#define IMA_XATTR_DIGSIG	0x03

struct ns_access {
	const char *rules;	/* the policy of the new namespace */
	const char *path;
	bool direct;		/* read with O_DIRECT */
};

/*
 * For run_child() and as_host(): registers a new mount namespace with
 * @rules, a sibling of the caller's, then reads the file.  Returns 0 when
 * it read back CONTENT, the errno of the open or read, 202 when it read
 * other bytes (a changed file was served), or a step number from 200 on.
 */
static int access_in_new_ns(void *data)
{
	const struct ns_access *a = data;
	unsigned int nsid = enter_registered_ns();
	char buf[256];
	ssize_t len;

	if (!nsid)
		return 200;
	if (load_policy(nsid, a->rules))
		return 201;
	if (a->direct)
		return direct_status((void *)a->path);
	len = read_file(a->path, buf, sizeof(buf));
	if (len < 0)
		return -len;
	return strcmp(buf, CONTENT) ? 202 : 0;
}

/* For run_child(): makes @path one byte shorter; 0 or a step number. */
static int truncate_by_one(void *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (ftruncate(fd, strlen(CONTENT) - 1)) {
		close(fd);
		return 2;
	}
	return close(fd) ? 3 : 0;
}

/*
 * For run_child(): changes the first byte of @path through a shared
 * writable mapping after the descriptor was closed, so that no write(2)
 * and no close of a descriptor follows the store.  Returns 0 or a step.
 */
static int store_mapped(void *path)
{
	size_t len = strlen(CONTENT);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	char *p;

	if (fd < 0)
		return 1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 2;
	p[0] ^= 0x20;	/* 'h' becomes 'H' */
	return munmap(p, len) ? 3 : 0;
}

/*
 * For run_child(): a content change that only a setattr follows: a store
 * through a mapping, then chmod(2).  Returns 0 or a step number.
 */
static int store_mapped_and_chmod(void *path)
{
	int err = store_mapped(path);

	return err ?: (chmod(path, 0600) ? 4 : 0);
}

/* --- No policy, no invalidation ------------------------------------------ */

/*
 * A container's pass is cached; the container exits, and no policy is left
 * at all; the host changes the file; a new container with the same rule
 * must not be served the old pass.
 */
FIXTURE(no_policy) {
	char dir[64];
	char file[96];
};

FIXTURE_VARIANT(no_policy) {
	int (*change)(void *path);	/* made by the host */
};

FIXTURE_VARIANT_ADD(no_policy, append) { append_byte };
FIXTURE_VARIANT_ADD(no_policy, truncate) { truncate_by_one };
FIXTURE_VARIANT_ADD(no_policy, chmod_after_mapped_store) {
	store_mapped_and_chmod };
FIXTURE_VARIANT_ADD(no_policy, set_bad_hash) { set_bad_hash };
FIXTURE_VARIANT_ADD(no_policy, remove_hash) { remove_hash };

FIXTURE_SETUP(no_policy)
{
	char rules[16];

	self->dir[0] = '\0';
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	/* A global rule keeps IMA's hooks on: nothing to show then. */
	if (read_file(IMA_DIR "/policy", rules, sizeof(rules)) != 0)
		SKIP(return, "needs a boot without global rules");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_nopol.%d",
		 getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, make_appraised(self->file, true));
}

FIXTURE_TEARDOWN_PARENT(no_policy)
{
	if (self->dir[0])
		remove_test_dir(self->dir);
}

TEST_F(no_policy, host_change_invalidates)
{
	struct ns_access container = { .rules = RULE_NS, .path = self->file };

	/* This process is the host's: no policy governs it. */
	ASSERT_EQ(0, run_child(access_in_new_ns, &container));
	ASSERT_EQ(0, wait_no_ns_policy());
	ASSERT_EQ(0, variant->change(self->file));
	EXPECT_EQ(EACCES, run_child(access_in_new_ns, &container));
}

/* --- Changes the cache must see -------------------------------------------- */

/*
 * On tmpfs a store through a mapping leaves the change cookie as it was.
 * On overlayfs the host maps the upper copy, behind the overlay.
 */
TEST_F(fs, host_mapped_store_invalidates)
{
	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	ASSERT_EQ(0, fs_copy_up(self));
	ASSERT_EQ(0, try_open(self->file));
	ASSERT_EQ(0, as_host(self->host_ns, store_mapped, self->backing));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

/*
 * The parent's side of a helper's handshake, once it forked @pid: waits
 * for the helper's zero byte on @ready, and keeps the write end of @go in
 * *@go_out for the test to signal it.  Returns @pid, or -1 if the helper
 * failed before it was ready.
 */
static pid_t await_ready(pid_t pid, int ready[2], int go[2], int *go_out)
{
	char c = 1;

	close(ready[1]);
	close(go[0]);
	if (pid > 0 && (read(ready[0], &c, 1) != 1 || c))
		pid = -1;
	close(ready[0]);
	*go_out = go[1];
	return pid;
}

/*
 * Starts a child in the host namespace that maps @path shared and
 * writable, closes the descriptor and reads the page in; once *@store is
 * written to, it stores through the mapping and exits.  Returns the
 * child's pid once it mapped the file, or -1.
 */
static pid_t start_host_mapper(int host_ns, const char *path, int *store)
{
	int ready[2], go[2], fd;
	char c = 1, *p;
	pid_t pid;

	if (pipe(ready) || pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (setns(host_ns, CLONE_NEWNS))
			_exit(1);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(2);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			_exit(3);
		c = p[0] ? 0 : 1;
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(4);
		p[0] ^= 0x20;	/* 'h' becomes 'H' */
		_exit(0);
	}
	return await_ready(pid, ready, go, store);
}

/*
 * A shared writable mapping that no policy governs, made before the
 * container's pass and kept: a store through it, which may move no change
 * cookie, must not be served the pass.
 */
TEST_F(fs, store_through_older_host_mapping_denied)
{
	int store, status;
	pid_t mapper;

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	ASSERT_EQ(0, fs_copy_up(self));
	mapper = start_host_mapper(self->host_ns, self->backing, &store);
	ASSERT_LT(0, mapper);
	/* The content is still intact: it opens. */
	EXPECT_EQ(0, try_open(self->file));
	ASSERT_EQ(1, write(store, "s", 1));
	close(store);
	ASSERT_EQ(mapper, waitpid(mapper, &status, 0));
	ASSERT_EQ(0, status);
	EXPECT_EQ(-EACCES, try_open(self->file));
}

/*
 * The container itself maps the file shared and writable: no executable
 * mapping of it may be made meanwhile, on whatever file system.
 */
TEST_F(fs, exec_map_refused_while_mapped_writable)
{
	const char *rec[] = { "type=1800", "op=mmap_file",
			      "cause=mmapped_writers", "res=0", NULL };
	int rw, ro, err;
	void *w, *x;

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid,
				 fs_rule(self, "func=MMAP_CHECK mask=MAY_EXEC")));
	rw = open(self->file, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, rw);
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	ASSERT_NE(MAP_FAILED, w);
	ro = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, ro, 0);
	err = errno;
	EXPECT_EQ(MAP_FAILED, x);
	if (x == MAP_FAILED) {
		EXPECT_EQ(EACCES, err);
	} else {
		munmap(x, 4096);
	}
	EXPECT_EQ(1, kmsg_count(self->kmsg, rec, 1000, NULL, 0));
	munmap(w, 4096);
	close(ro);
	close(rw);
}

/* --- Rule flags stay with their policy ----------------------------------- */

TEST_F(fs, directio_grant_stays_with_its_policy)
{
	struct ns_access y = { .rules = fs_rule(self, "permit_directio"),
			       .path = self->file, .direct = true };
	char buf[256];

	ASSERT_EQ(0, make_appraised(self->src, true));
	/* No rule here yet: this only asks the file system for O_DIRECT. */
	if (read_direct(self->file, buf, sizeof(buf)) == -EINVAL)
		SKIP(return, "%s refuses O_DIRECT", variant->name);
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	/* A sibling whose rule permits direct I/O reads with O_DIRECT. */
	ASSERT_EQ(0, as_host(self->host_ns, access_in_new_ns, &y));
	ASSERT_EQ(0, as_host(self->host_ns, append_byte, self->file));
	/* Here no rule permits it: the stale file is refused either way. */
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, read_direct(self->file, buf, sizeof(buf)));
}

/*
 * A pass where a hash is enough answers neither for a namespace that
 * requires a signature nor for one that requires an fs-verity signature
 * (tmpfs has no fs-verity), and the refusal there does not spoil it.
 */
FIXTURE(stricter) {
	char dir[64];
	char file[96];
};

FIXTURE_VARIANT(stricter) {
	const char *rules;
};

FIXTURE_VARIANT_ADD(stricter, imasig) { RULE_IMASIG };
FIXTURE_VARIANT_ADD(stricter, verity_sigv3) { RULE_SIGV3 };

FIXTURE_SETUP(stricter)
{
	self->dir[0] = '\0';
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_strict.%d",
		 getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, make_appraised(self->file, true));
}

FIXTURE_TEARDOWN_PARENT(stricter)
{
	if (self->dir[0])
		remove_test_dir(self->dir);
}

TEST_F(stricter, hash_pass_does_not_satisfy)
{
	struct ns_access hash = { .rules = RULE_NS, .path = self->file };
	struct ns_access strict = { .rules = variant->rules,
				    .path = self->file };

	ASSERT_EQ(0, run_child(access_in_new_ns, &hash));
	EXPECT_EQ(EACCES, run_child(access_in_new_ns, &strict));
	EXPECT_EQ(0, run_child(access_in_new_ns, &hash));
}

/* --- Writers that no policy governs -------------------------------------- */

/*
 * The refresh at an appraised writer's last close must not bless what an
 * ungoverned writer wrote meanwhile: the hash stays as it was.
 */
TEST_F(fs, host_write_not_blessed_by_refresh)
{
	unsigned char before[64], after[64];
	ssize_t len;
	int fd;

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	ASSERT_EQ(0, fs_copy_up(self));
	len = getxattr(self->file, "security.ima", before, sizeof(before));
	ASSERT_EQ(2 + SHA256_LEN, len);
	fd = open(self->file, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* On overlayfs through the upper copy, behind the overlay. */
	ASSERT_EQ(0, as_host(self->host_ns, append_byte, self->backing));
	/* The appraised writer closes last. */
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(len, getxattr(self->file, "security.ima", after,
				sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, len));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

/*
 * Starts a child in the host namespace that appends a byte to @path and
 * keeps the file open for writing until *@release is closed.  Returns the
 * child's pid once it wrote, or -1.
 */
static pid_t start_host_writer(int host_ns, const char *path, int *release)
{
	int ready[2], go[2], fd;
	char c = 1;
	pid_t pid;

	if (pipe(ready) || pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (setns(host_ns, CLONE_NEWNS))
			_exit(1);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0 || write(fd, "x", 1) != 1)
			_exit(2);
		c = 0;
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(3);
		_exit(close(fd) ? 4 : 0);
	}
	return await_ready(pid, ready, go, release);
}

TEST_F(fs, read_during_host_write_denied)
{
	int release, status;
	pid_t writer;

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	ASSERT_EQ(0, fs_copy_up(self));
	ASSERT_EQ(0, try_open(self->file));
	writer = start_host_writer(self->host_ns, self->backing, &release);
	ASSERT_LT(0, writer);
	/* The host wrote and still has the file open for writing. */
	EXPECT_EQ(-EACCES, try_open(self->file));
	close(release);
	ASSERT_EQ(writer, waitpid(writer, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(-EACCES, try_open(self->file));
}

/* --- The hook a union of rules answers for ------------------------------- */

/*
 * MMAP_CHECK refuses to map a file executable while it is mapped writable
 * (mmap_violation_check()).  A func-less rule inherited from the parent
 * namespace must not turn the child's MMAP_CHECK appraisal into a
 * FILE_CHECK one that skips the check.
 */
FIXTURE(mmap_union) {
	char dir[64];
	char file[96];
	int kmsg;
};

FIXTURE_VARIANT(mmap_union) {
	const char *inherited;	/* the parent namespace's rules, if any */
};

FIXTURE_VARIANT_ADD(mmap_union, mmap_rule_alone) { NULL };
FIXTURE_VARIANT_ADD(mmap_union, with_inherited_funcless_rule) { RULE_NS };

FIXTURE_SETUP(mmap_union)
{
	unsigned int parent, child;

	self->dir[0] = '\0';
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_mmap.%d",
		 getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, make_appraised(self->file, true));
	parent = enter_registered_ns();
	ASSERT_NE(0, parent);
	if (variant->inherited)
		ASSERT_EQ(0, load_policy(parent, variant->inherited));
	child = enter_registered_ns();
	ASSERT_NE(0, child);
	ASSERT_EQ(0, load_policy(child, RULE_MMAP));
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN_PARENT(mmap_union)
{
	if (self->dir[0])
		remove_test_dir(self->dir);
}

TEST_F(mmap_union, exec_map_refused_while_mapped_writable)
{
	const char *rec[] = { "type=1800", "op=mmap_file",
			      "cause=mmapped_writers", "res=0", NULL };
	size_t len = strlen(CONTENT);
	int rw, ro, err;
	void *w, *x;

	rw = open(self->file, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, rw);
	w = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	ASSERT_NE(MAP_FAILED, w);
	ro = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);

	x = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE, ro, 0);
	err = errno;
	EXPECT_EQ(MAP_FAILED, x);
	if (x == MAP_FAILED) {
		EXPECT_EQ(EACCES, err);
	} else {
		munmap(x, len);
	}
	EXPECT_EQ(1, kmsg_count(self->kmsg, rec, 1000, NULL, 0));

	/* Not mapped writable any more: the good hash lets it map. */
	ASSERT_EQ(0, munmap(w, len));
	x = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE, ro, 0);
	EXPECT_NE(MAP_FAILED, x);
	if (x != MAP_FAILED)
		munmap(x, len);
	close(ro);
	close(rw);
}

/* --- The hash the kernel writes ------------------------------------------- */

TEST_F(fs, refresh_writes_sha256)
{
	int fd;

	ASSERT_EQ(0, make_appraised(self->src, true));
	ASSERT_EQ(0, load_policy(self->nsid, self->rule));
	fd = open(self->file, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "more", 4));
	ASSERT_EQ(0, close(fd));
	/* Type 0x04, algorithm 0x04 (sha256), the new content's digest. */
	EXPECT_EQ(0, expect_hash_of(self->file, CONTENT "more"));
	EXPECT_EQ(0, try_open(self->file));
	/* On overlayfs, in the upper copy: the image layer is untouched. */
	if (self->overlay) {
		EXPECT_EQ(0, expect_hash_of(self->backing, CONTENT "more"));
		EXPECT_EQ(0, expect_hash_of(self->src, CONTENT));
	}
}

/* --- Checks a cached pass must repeat ------------------------------------ */

/* A correct SHA-1 hash where only SHA-256 is allowed, on every open. */
TEST_F(fs, sha1_refused_on_every_open)
{
	ASSERT_EQ(0, make_file(self->src, CONTENT, strlen(CONTENT),
			       OWNER_NS, 0644));
	ASSERT_EQ(0, set_ima_hash(self->src, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA1, false));
	ASSERT_EQ(0, load_policy(self->nsid,
				 fs_rule(self, "appraise_algos=sha256")));
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

/* --- Signatures ------------------------------------------------------------ */

/* Signs @path with @key by `evmctl ima_sign`; its exit status, or -1. */
static int ima_sign_with(const char *key, const char *path)
{
	int status, null;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* It prints the digest and the signature's size: not TAP. */
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, STDOUT_FILENO) < 0 ||
		    dup2(null, STDERR_FILENO) < 0)
			_exit(126);
		execlp("evmctl", "evmctl", "ima_sign", "--key", key, "-a",
		       "sha256", path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int ima_sign(const char *path)
{
	return ima_sign_with(TEST_KEY, path);
}

/* The id of the keyring named @name in /proc/keys, or 0. */
static long keyring_id(const char *name)
{
	char line[512], desc[128];
	long found = 0;
	FILE *f = fopen("/proc/keys", "re");

	if (!f)
		return 0;
	snprintf(desc, sizeof(desc), " keyring   %s:", name);
	while (!found && fgets(line, sizeof(line), f))
		if (strstr(line, desc))
			found = strtoul(line, NULL, 16);
	fclose(f);
	return found;
}

/*
 * For run_child(): a container brings its own key.  It puts the rogue
 * certificate in an _ima keyring of a session keyring of its own, which
 * is where IMA without a trusted keyring looked for keys, tries the .ima
 * keyring too where there is one, then opens @path, signed with the rogue
 * key.  Returns the errno of the open, 0 if it opened, or a step number.
 */
static int open_with_own_key(void *path)
{
	char der[4096];
	long ring, ima;
	ssize_t len;

	len = read_file(ROGUE_CERT, der, sizeof(der));
	if (len <= 0)
		return 100;
	if (syscall(__NR_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return 101;
	ring = syscall(__NR_add_key, "keyring", "_ima", NULL, 0,
		       KEY_SPEC_SESSION_KEYRING);
	if (ring < 0)
		return 102;
	if (syscall(__NR_add_key, "asymmetric", "", der, len, ring) < 0)
		return 103;
	/* The trusted keyring takes only keys the built-in CA signed. */
	ima = keyring_id(".ima");
	if (ima && syscall(__NR_add_key, "asymmetric", "", der, len, ima) >= 0)
		return 105;
	if (ima && errno != ENOKEY)
		return 106;
	return -try_open(path);
}

TEST_F(fs, container_key_never_trusted)
{
	if (access(ROGUE_KEY, R_OK))
		SKIP(return, "no " ROGUE_KEY " (harness/make-test-keys.sh)");
	ASSERT_EQ(0, make_file(self->src, CONTENT, strlen(CONTENT),
			       OWNER_NS, 0644));
	ASSERT_EQ(0, ima_sign_with(ROGUE_KEY, self->src));
	ASSERT_EQ(0, load_policy(self->nsid,
				 fs_rule(self, "appraise_type=imasig")));
	/*
	 * The first signature check of the boot, if this program runs
	 * first: IMA would have taken the container's _ima keyring for good.
	 */
	EXPECT_EQ(EACCES, run_child(open_with_own_key, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
	/* CONFIG_IMA_NS needs the trusted keyring. */
	EXPECT_NE(0, keyring_id(".ima"));
}

TEST_F(fs, signature_opens_until_tampered)
{
	struct ns_access hash = { .rules = self->rule, .path = self->file };
	unsigned char sig[1024];

	if (access(TEST_KEY, R_OK))
		SKIP(return, "no " TEST_KEY " (harness/make-test-keys.sh)");
	ASSERT_EQ(0, make_file(self->src, CONTENT, strlen(CONTENT),
			       OWNER_NS, 0644));
	ASSERT_EQ(0, ima_sign(self->src));
	ASSERT_LT(2, getxattr(self->file, "security.ima", sig, sizeof(sig)));
	ASSERT_EQ(IMA_XATTR_DIGSIG, sig[0]);
	ASSERT_EQ(0, load_policy(self->nsid,
				 fs_rule(self, "appraise_type=imasig")));
	/* The signature verifies with the certificate in .ima... */
	EXPECT_EQ(0, try_open(self->file));
	/* ...it satisfies a namespace where a hash is enough... */
	EXPECT_EQ(0, as_host(self->host_ns, access_in_new_ns, &hash));
	EXPECT_EQ(0, try_open(self->file));
	/* ...and no longer once the host changed the file. */
	ASSERT_EQ(0, as_host(self->host_ns, append_byte, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(EACCES, as_host(self->host_ns, access_in_new_ns, &hash));
}

TEST_HARNESS_MAIN
