// SPDX-License-Identifier: GPL-2.0
/*
 * IMA appraisal through overlayfs, as containers run: a tmpfs upper layer
 * over an ext4 lower layer that holds hashed files, seen from a registered
 * mount namespace, and, for the O_TRUNC rewrite, under a global rule too.
 */

#include "ns_fixture.h"

#define RULE_OVL	"appraise fsmagic=" OVL_MAGIC_STR " fowner=71452\n"
/* The global rule's owner: no other test of a boot uses it. */
#define OWNER_OVL_GLOBAL	71460
#define RULE_OVL_GLOBAL	"appraise fsmagic=" OVL_MAGIC_STR " fowner=71460\n"
#define NEW_CONTENT	"rewritten by the container\n"

/*
 * The layers of one overlay mount, made by mount_test_overlay(): lower on
 * ext4, upper (merged.upper) and work directory on tmpfs.
 */
struct layers {
	char lower[64];
	char upper[80];
	char merged[64];
	bool made;
};

/*
 * Makes the layers, named after @tag, and mounts the overlay with the
 * mount options @extra (may be NULL) too; returns 0 or -errno.
 */
static int layers_mount(struct layers *l, const char *tag, const char *extra)
{
	snprintf(l->lower, sizeof(l->lower), FS_DISK_TESTS "/%s.%d", tag,
		 getpid());
	snprintf(l->merged, sizeof(l->merged), "/tmp/%s.%d", tag, getpid());
	snprintf(l->upper, sizeof(l->upper), "%s.upper", l->merged);
	l->made = true;
	return mount_test_overlay(l->lower, l->merged, extra);
}

static void layers_unmount(struct layers *l)
{
	if (l->made)
		remove_fs_test_dirs(l->merged, l->lower, true);
}

/* Paths of one file name in the three views of the overlay. */
struct ovl_file {
	char lower[160];
	char upper[160];
	char merged[160];
};

static void ovl_file(const struct layers *l, const char *name,
		     struct ovl_file *f)
{
	snprintf(f->lower, sizeof(f->lower), "%s/%s", l->lower, name);
	snprintf(f->upper, sizeof(f->upper), "%s/%s", l->upper, name);
	snprintf(f->merged, sizeof(f->merged), "%s/%s", l->merged, name);
}

/* Creates @name in the lower layer, owned by @owner, hashed well or not. */
static int make_lower(const struct layers *l, const char *name,
		      const char *data, uid_t owner, mode_t mode, bool good)
{
	struct ovl_file f;
	int err;

	ovl_file(l, name, &f);
	err = make_file(f.lower, data, strlen(data), owner, mode);
	return err ? err : set_ima_hash(f.lower, data, strlen(data),
					IMA_ALGO_SHA256, !good);
}

/* Returns 0 when @path holds exactly @want, else -errno or -EBADMSG. */
static int expect_content(const char *path, const char *want)
{
	char buf[256];
	ssize_t len = read_file(path, buf, sizeof(buf));

	if (len < 0)
		return len;
	return strcmp(buf, want) ? -EBADMSG : 0;
}

/*
 * What the "overlay", "host_change" and "truncate" fixtures share: an
 * overlay mounted in the host's namespace, its file "file", and the test's
 * process in a registered mount namespace copied from it, under RULE_OVL.
 */
struct ovl_ns {
	struct layers l;
	struct ovl_file f;
	unsigned int nsid;
	int host_ns;
	int ns_fd;
	int kmsg;
};

/* The fixtures' setup; @extra: more overlay mount options, or NULL. */
static void ovl_ns_setup(struct __test_metadata *_metadata, struct ovl_ns *o,
			 const char *extra)
{
	int err;

	memset(o, 0, sizeof(*o));
	o->host_ns = -1;
	o->ns_fd = -1;
	o->kmsg = -1;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	if (!fs_disk_is_ext4())
		SKIP(return, "needs an ext4 file system on " FS_DISK);
	err = layers_mount(&o->l, "ima_ns_ovl", extra);
	if (err == -ENODEV)
		SKIP(return, "needs overlayfs");
	ASSERT_EQ(0, err);
	ovl_file(&o->l, "file", &o->f);
	enter_test_ns(_metadata, &o->nsid, &o->host_ns, &o->ns_fd, &o->kmsg);
	ASSERT_EQ(0, load_policy(o->nsid, RULE_OVL));
}

/* The fixtures' teardown, in the parent: the namespace died with the test. */
static void ovl_ns_teardown(struct __test_metadata *_metadata,
			    struct ovl_ns *o)
{
	layers_unmount(&o->l);
	if (o->nsid)
		expect_ns_freed(_metadata, o->nsid);
}

FIXTURE(overlay) {
	struct ovl_ns o;
};

FIXTURE_SETUP(overlay)
{
	ovl_ns_setup(_metadata, &self->o, NULL);
}

FIXTURE_TEARDOWN_PARENT(overlay)
{
	ovl_ns_teardown(_metadata, &self->o);
}

/*
 * For as_host(): the changes a host makes behind the overlay's back, to
 * the lower (image) file or to its upper copy.  0 or a step number.
 */
static int append_lower(void *f)
{
	return append_byte(((struct ovl_file *)f)->lower);
}

static int set_bad_lower_hash(void *f)
{
	return set_bad_hash(((struct ovl_file *)f)->lower);
}

static int append_upper(void *f)
{
	return append_byte(((struct ovl_file *)f)->upper);
}

static int set_bad_upper_hash(void *f)
{
	return set_bad_hash(((struct ovl_file *)f)->upper);
}

/*
 * A file the container has opened, which the host then changes through a
 * layer's own path: the container's next open is refused and audited with
 * the overlay's path, while the host, which no policy governs, reads on.
 */
FIXTURE(host_change) {
	struct ovl_ns o;
};

FIXTURE_VARIANT(host_change) {
	int (*change)(void *f);	/* run as the host, on the struct ovl_file */
	bool copied_up;		/* an appraised writer copied it up first */
};

FIXTURE_VARIANT_ADD(host_change, lower_content) { append_lower, false };
FIXTURE_VARIANT_ADD(host_change, lower_xattr) { set_bad_lower_hash, false };
FIXTURE_VARIANT_ADD(host_change, upper_content) { append_upper, true };
FIXTURE_VARIANT_ADD(host_change, upper_xattr) { set_bad_upper_hash, true };

FIXTURE_SETUP(host_change)
{
	ovl_ns_setup(_metadata, &self->o, NULL);
}

FIXTURE_TEARDOWN_PARENT(host_change)
{
	ovl_ns_teardown(_metadata, &self->o);
}

TEST_F(host_change, denied_in_container)
{
	char mnt_ns[32], name[200];
	const char *rec[] = { "type=1800", "op=appraise_data",
			      "cause=invalid-hash", mnt_ns, name,
			      "dev=\"overlay\"", NULL };
	int fd;

	snprintf(mnt_ns, sizeof(mnt_ns), "mnt_ns=%u ", self->o.nsid);
	snprintf(name, sizeof(name), "name=\"%s\"", self->o.f.merged);
	ASSERT_EQ(0, make_lower(&self->o.l, "file", CONTENT, OWNER_NS, 0644,
				true));
	if (variant->copied_up) {
		fd = open(self->o.f.merged, O_WRONLY | O_APPEND | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, close(fd));
		ASSERT_EQ(0, access(self->o.f.upper, F_OK));
	}
	/* Opened, so a verdict is cached for the overlay's inode. */
	ASSERT_EQ(0, try_open(self->o.f.merged));
	ASSERT_EQ(0, as_host(self->o.host_ns, variant->change, &self->o.f));
	EXPECT_EQ(-EACCES, try_open(self->o.f.merged));
	EXPECT_EQ(1, kmsg_count(self->o.kmsg, rec, 1000, NULL, 0));
	EXPECT_EQ(0, as_host(self->o.host_ns, open_status, self->o.f.merged));
}

TEST_F(overlay, rename_keeps_file_governed)
{
	struct ovl_file bad, good, moved_bad, moved_good;

	ovl_file(&self->o.l, "bad", &bad);
	ovl_file(&self->o.l, "good", &good);
	ovl_file(&self->o.l, "bad.renamed", &moved_bad);
	ovl_file(&self->o.l, "good.renamed", &moved_good);
	ASSERT_EQ(0, make_lower(&self->o.l, "bad", CONTENT, OWNER_NS, 0644,
				false));
	ASSERT_EQ(0, make_lower(&self->o.l, "good", CONTENT, OWNER_NS, 0644,
				true));
	ASSERT_EQ(-EACCES, try_open(bad.merged));
	/* Renaming copies up the file, content and hash as they were. */
	ASSERT_EQ(0, rename(bad.merged, moved_bad.merged));
	ASSERT_EQ(0, rename(good.merged, moved_good.merged));
	EXPECT_EQ(-EACCES, try_open(moved_bad.merged));
	EXPECT_EQ(0, expect_content(moved_good.merged, CONTENT));
	EXPECT_EQ(-ENOENT, try_open(bad.merged));
	EXPECT_EQ(0, expect_hash_of(moved_good.upper, CONTENT));
}

TEST_F(overlay, whiteout_hides_and_keeps_image)
{
	struct stat st;

	ASSERT_EQ(0, make_lower(&self->o.l, "file", CONTENT, OWNER_NS, 0644,
				true));
	ASSERT_EQ(0, try_open(self->o.f.merged));
	ASSERT_EQ(0, unlink(self->o.f.merged));
	EXPECT_EQ(-ENOENT, try_open(self->o.f.merged));
	/* A whiteout, a 0/0 character device, stands in the upper layer. */
	ASSERT_EQ(0, lstat(self->o.f.upper, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0, st.st_rdev);
	/* The image layer's file and hash are as they were. */
	EXPECT_EQ(0, expect_hash_of(self->o.f.lower, CONTENT));
	/*
	 * A new file of that name is governed by the rule like any, and has
	 * no hash until it is given one.
	 */
	ASSERT_EQ(0, make_file(self->o.f.merged, NEW_CONTENT,
			       strlen(NEW_CONTENT), OWNER_NS, 0644));
	EXPECT_EQ(-EACCES, try_open(self->o.f.merged));
	ASSERT_EQ(0, set_ima_hash(self->o.f.merged, NEW_CONTENT,
				  strlen(NEW_CONTENT), IMA_ALGO_SHA256, false));
	EXPECT_EQ(0, expect_content(self->o.f.merged, NEW_CONTENT));
}

/*
 * Truncating opens of a file of the image layer, as `echo ... > file` and
 * editors do: each variant opens with other flags, or on another state of
 * the overlay.  The open is appraised on the content the file had, and a
 * refused one changes nothing.
 */
FIXTURE(truncate) {
	struct ovl_ns o;
};

FIXTURE_VARIANT(truncate) {
	int flags;		/* of the truncating open */
	const char *mount_opts;	/* more overlay mount options, or NULL */
	bool meta_copied_up;	/* chmod first: a metadata-only copy-up */
	bool copied_up;		/* an appraised writer copied it up first */
};

FIXTURE_VARIANT_ADD(truncate, wronly) { O_WRONLY | O_TRUNC };
FIXTURE_VARIANT_ADD(truncate, rdwr) { O_RDWR | O_TRUNC };
FIXTURE_VARIANT_ADD(truncate, creat) { O_WRONLY | O_CREAT | O_TRUNC };
FIXTURE_VARIANT_ADD(truncate, metacopy) {
	O_WRONLY | O_TRUNC, "metacopy=on", true, false };
FIXTURE_VARIANT_ADD(truncate, copied_up) {
	O_WRONLY | O_TRUNC, NULL, false, true };

FIXTURE_SETUP(truncate)
{
	ovl_ns_setup(_metadata, &self->o, variant->mount_opts);
}

FIXTURE_TEARDOWN_PARENT(truncate)
{
	ovl_ns_teardown(_metadata, &self->o);
}

/*
 * Brings the file to the variant's state and checks it got there: an
 * upper copy, with only the metadata for a metacopy.  0 or -errno.
 */
static int prepare_state(const FIXTURE_VARIANT(truncate) * variant,
			 const struct ovl_file *f)
{
	int fd;

	if (variant->meta_copied_up &&
	    (chmod(f->merged, 0640) ||
	     lgetxattr(f->upper, "trusted.overlay.metacopy", NULL, 0) < 0))
		return -errno;
	if (variant->copied_up) {
		fd = open(f->merged, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		close(fd);
		if (access(f->upper, F_OK))
			return -errno;
	}
	return 0;
}

/*
 * Opens @path with @flags, writes NEW_CONTENT and closes it.  Returns 0,
 * or the -errno of the failing step.
 */
static int rewrite_with(const char *path, int flags)
{
	size_t len = strlen(NEW_CONTENT);
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	if (write(fd, NEW_CONTENT, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}

TEST_F(truncate, rewrite_of_image_file)
{
	ASSERT_EQ(0, make_lower(&self->o.l, "file", CONTENT, OWNER_NS, 0644,
				true));
	ASSERT_EQ(0, prepare_state(variant, &self->o.f));
	ASSERT_EQ(0, rewrite_with(self->o.f.merged, variant->flags));
	EXPECT_EQ(0, expect_content(self->o.f.merged, NEW_CONTENT));
	/* The upper copy carries the hash of its new content. */
	EXPECT_EQ(0, expect_hash_of(self->o.f.upper, NEW_CONTENT));
	EXPECT_EQ(0, expect_content(self->o.f.lower, CONTENT));
}

static int stat_size(void *path)
{
	struct stat st;

	if (stat(path, &st))
		return 200;
	return st.st_size == strlen(CONTENT) ? 0 : 201;
}

TEST_F(truncate, refused_open_keeps_content)
{
	ASSERT_EQ(0, make_lower(&self->o.l, "file", CONTENT, OWNER_NS, 0644,
				false));
	/* Preparing the state may itself be refused: it opens the file. */
	prepare_state(variant, &self->o.f);
	EXPECT_EQ(-EACCES, rewrite_with(self->o.f.merged, variant->flags));
	/* A refused open changes nothing the host sees through the overlay. */
	EXPECT_EQ(0, as_host(self->o.host_ns, stat_size, self->o.f.merged));
	EXPECT_EQ(0, as_host(self->o.host_ns, open_status, self->o.f.merged));
}

/*
 * The O_TRUNC rewrite under a rule of the global policy, with no
 * namespace involved: the case of stock IMA.  Also runs on a kernel
 * booted with plain ima_appraise=enforce.
 */
FIXTURE(overlay_global) {
	struct ovl_ns o;	/* its layers and file: no namespace */
};

FIXTURE_SETUP(overlay_global)
{
	memset(&self->o, 0, sizeof(self->o));
	if (!ima_appraise_mode_is("enforce") &&
	    !ima_appraise_mode_is("enforce_ns"))
		SKIP(return, "needs ima_appraise=enforce or enforce_ns");
	if (!fs_disk_is_ext4())
		SKIP(return, "needs an ext4 file system on " FS_DISK);
	ASSERT_EQ(0, layers_mount(&self->o.l, "ima_ns_ovlg", NULL));
	ovl_file(&self->o.l, "file", &self->o.f);
	/* Rules of the global policy stay: a second copy changes nothing. */
	ASSERT_EQ(0, load_rules(IMA_DIR "/policy", RULE_OVL_GLOBAL));
}

FIXTURE_TEARDOWN_PARENT(overlay_global)
{
	layers_unmount(&self->o.l);
}

TEST_F(overlay_global, truncating_rewrite_of_image_file)
{
	ASSERT_EQ(0, make_lower(&self->o.l, "file", CONTENT, OWNER_OVL_GLOBAL,
				0644, true));
	ASSERT_EQ(0, rewrite_with(self->o.f.merged, O_WRONLY | O_TRUNC));
	EXPECT_EQ(0, expect_content(self->o.f.merged, NEW_CONTENT));
	EXPECT_EQ(0, expect_hash_of(self->o.f.upper, NEW_CONTENT));
}

TEST_F(overlay_global, refused_truncating_open_keeps_content)
{
	ASSERT_EQ(0, make_lower(&self->o.l, "file", CONTENT, OWNER_OVL_GLOBAL,
				0644, false));
	EXPECT_EQ(-EACCES, rewrite_with(self->o.f.merged, O_WRONLY | O_TRUNC));
	EXPECT_EQ(0, stat_size(self->o.f.merged));
}

TEST_HARNESS_MAIN
