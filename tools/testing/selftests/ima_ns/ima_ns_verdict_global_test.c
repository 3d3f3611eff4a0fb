// SPDX-License-Identifier: GPL-2.0
/*
 * IMA's verdict cache under global policy rules: a cached verdict and the
 * rule flags it was reached under must not answer for another rule of the
 * union, or for a rule that asks for more.
 *
 * Rules of the global policy stay for the rest of the boot, so the
 * Makefile runs this program after every test that needs a global policy
 * without them, and each test's rules select files of an owner of its
 * own, which no other test creates (71455 is ima_ns_test's, in the
 * plain-enforce boot):
 *
 *   71456  a global rule under a namespace rule that permits direct I/O
 *   71457  two global rules, one permitting direct I/O to euid 1000
 *   71458  two global rules, one requiring a signature from euid 1000
 *   71459  a global rule that allows only SHA-256
 *
 * The tests without namespaces also run in the plain-enforce boot: what
 * they check is stock IMA's.
 */

#define _GNU_SOURCE
#include "../kselftest_harness.h"
#include "common.h"
#include "ns_fixture.h"

#define OWNER_NS_DIRECTIO	71456
#define OWNER_EUID_DIRECTIO	71457
#define OWNER_EUID_IMASIG	71458
#define OWNER_ALGOS		71459

#define GLOBAL_POLICY	IMA_DIR "/policy"

/* For as_host(): appends @rules to the global policy; 0 or the errno. */
static int load_global_rules(void *rules)
{
	return -load_rules(GLOBAL_POLICY, rules);
}

struct user_args {
	uid_t uid;
	int (*fn)(void *arg);
	void *arg;
};

static int user_trampoline(void *data)
{
	struct user_args *u = data;

	if (setresgid(u->uid, u->uid, u->uid) ||
	    setresuid(u->uid, u->uid, u->uid))
		return 100;
	return u->fn(u->arg);
}

/* Runs @fn(@arg) in a child with all its ids set to @uid. */
static int as_user(uid_t uid, int (*fn)(void *), void *arg)
{
	struct user_args u = { uid, fn, arg };

	return run_child(user_trampoline, &u);
}

/* --- A namespace rule under a global rule ------------------------------- */

/*
 * The namespace's rule permits direct I/O, the global rule that appraises
 * the same file does not: a stale file is refused to the container with
 * O_DIRECT as it is to the host.
 */
TEST_F(ns, global_rule_withholds_directio)
{
	char global[] = "appraise fsmagic=0x1021994 fowner=71456\n";
	char buf[256];

	ASSERT_EQ(0, make_file(self->file, CONTENT, strlen(CONTENT),
			       OWNER_NS_DIRECTIO, 0644));
	ASSERT_EQ(0, set_ima_hash(self->file, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, true));
	if (read_direct(self->file, buf, sizeof(buf)) == -EINVAL)
		SKIP(return, "tmpfs refuses O_DIRECT");
	ASSERT_EQ(0, as_host(self->host_ns, load_global_rules, global));
	ASSERT_EQ(0, load_policy(self->nsid,
				 "appraise fsmagic=0x1021994 fowner=71456 permit_directio\n"));
	EXPECT_EQ(EACCES, as_host(self->host_ns, direct_status, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, read_direct(self->file, buf, sizeof(buf)));
}

/* --- Global rules alone: stock IMA ---------------------------------------- */

FIXTURE(global) {
	char dir[64];
	char file[96];
};

FIXTURE_SETUP(global)
{
	self->dir[0] = '\0';
	if (!ima_ns_available() && !ima_appraise_mode_is("enforce"))
		SKIP(return, "needs ima_appraise=enforce or enforce_ns");
	snprintf(self->dir, sizeof(self->dir), "/tmp/ima_ns_global_v.%d",
		 getpid());
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
}

FIXTURE_TEARDOWN_PARENT(global)
{
	if (self->dir[0])
		remove_test_dir(self->dir);
}

/*
 * Two global rules for one file: direct I/O is permitted to euid 1000,
 * not to root.  Once uid 1000 has read with O_DIRECT and uid 1001, whom
 * neither rule governs, changed the file, root's O_DIRECT read is refused.
 */
TEST_F(global, directio_grant_stays_with_its_rule)
{
	const char *rules =
		"appraise fsmagic=0x1021994 fowner=71457 euid=1000 permit_directio\n"
		"appraise fsmagic=0x1021994 fowner=71457 euid=0\n";
	char buf[256];

	ASSERT_EQ(0, make_file(self->file, CONTENT, strlen(CONTENT),
			       OWNER_EUID_DIRECTIO, 0666));
	ASSERT_EQ(0, set_ima_hash(self->file, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, false));
	if (read_direct(self->file, buf, sizeof(buf)) == -EINVAL)
		SKIP(return, "tmpfs refuses O_DIRECT");
	ASSERT_EQ(0, load_rules(GLOBAL_POLICY, rules));
	ASSERT_EQ(0, as_user(1000, direct_status, self->file));
	ASSERT_EQ(0, as_user(1001, append_byte, self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, read_direct(self->file, buf, sizeof(buf)));
}

/*
 * Two global rules for one file: euid 1000 needs a signature, root a
 * hash.  uid 1000's refusal must not make root's open need a signature,
 * and root's pass must not stand in for the signature uid 1000 needs.
 * With a namespace policy alive, the namespace code's forget step hides
 * the first half: wait until none is.
 */
TEST_F(global, signature_requirement_stays_with_its_rule)
{
	const char *rules =
		"appraise fsmagic=0x1021994 fowner=71458 euid=1000 appraise_type=imasig\n"
		"appraise fsmagic=0x1021994 fowner=71458 euid=0\n";

	ASSERT_EQ(0, make_file(self->file, CONTENT, strlen(CONTENT),
			       OWNER_EUID_IMASIG, 0644));
	ASSERT_EQ(0, set_ima_hash(self->file, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA256, false));
	ASSERT_EQ(0, load_rules(GLOBAL_POLICY, rules));
	ASSERT_EQ(0, wait_no_ns_policy());
	EXPECT_EQ(EACCES, as_user(1000, open_status, self->file));
	EXPECT_EQ(0, try_open(self->file));
	EXPECT_EQ(EACCES, as_user(1000, open_status, self->file));
}

/*
 * appraise_algos=sha256 and a correct SHA-1 hash: refused on every open,
 * not only on the one that appraised the file.  With a namespace policy
 * alive, the namespace code's forget step hides this: wait until none is.
 */
TEST_F(global, sha1_refused_on_every_open)
{
	ASSERT_EQ(0, make_file(self->file, CONTENT, strlen(CONTENT),
			       OWNER_ALGOS, 0644));
	ASSERT_EQ(0, set_ima_hash(self->file, CONTENT, strlen(CONTENT),
				  IMA_ALGO_SHA1, false));
	ASSERT_EQ(0, load_rules(GLOBAL_POLICY,
				"appraise fsmagic=0x1021994 fowner=71459 appraise_algos=sha256\n"));
	ASSERT_EQ(0, wait_no_ns_policy());
	EXPECT_EQ(-EACCES, try_open(self->file));
	EXPECT_EQ(-EACCES, try_open(self->file));
}

TEST_HARNESS_MAIN
