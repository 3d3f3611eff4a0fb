// SPDX-License-Identifier: GPL-2.0
/*
 * IMA namespace policies: measure rules, the "ima-ns" template and its
 * "mntns" field, the per-namespace views of the measurement list, the
 * measure_limit file, and violations.
 *
 * A namespace measure rule measures a file once per content and policy,
 * whether or not the host or another namespace measured it; the entry
 * joins the global list with the identity of the registered namespace
 * whose policy asked for it, and the namespace's directory shows the
 * policy's own entries.  Those views and measure_limit come with the
 * policy's first batch of rules that holds a measure or dont_measure
 * rule.  Expected entries are built here, byte by byte, with digests
 * from the kernel's crypto API (AF_ALG).
 *
 * Rules of the global policy stay for the rest of the boot, and entries
 * stay in the measurement list: the rules here select files of owners no
 * other test has, and only a few entries are added.
 *
 *   71470-71472  namespace measure and dont_measure rules
 *   71473        a global measure rule, default template (ima-ng)
 *   71474        a global measure rule with template=ima-ns
 *   71475        namespace rules that no file matches
 *
 * Audit records are read from /dev/kmsg, where kauditd puts them when no
 * audit daemon runs.
 */

#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/nsfs.h>
#include <linux/types.h>

#include "../kselftest_harness.h"
#include "common.h"
#include "ns_fixture.h"

#define OWNER_M		71470
#define OWNER_M_B	71471
#define OWNER_M_C	71472
#define OWNER_M_GLOBAL	71473
#define OWNER_M_GLOBAL_NS	71474
#define OWNER_M_NONE	71475

#define GLOBAL_POLICY	IMA_DIR "/policy"
#define ASCII_LIST	"ascii_runtime_measurements"
#define BINARY_LIST	"binary_runtime_measurements"
#define INDEX_LIST	"runtime_measurements_index"
#define MEASURE_LIMIT	"measure_limit"

#define PCR_DEFAULT	10
#define LIMIT_DEFAULT	"4096\n"
#define LIMIT_MAX	1048576

/* The d-ng field: "sha256:", a NUL, then the digest. */
#define DNG_PREFIX_LEN	8
#define DNG_LEN		(DNG_PREFIX_LEN + SHA256_LEN)
/* The mntns field: u32 nsid, then u64 mount namespace id. */
#define MNTNS_LEN	12
#define DATA_MAX	1024

/* How long a record may take to reach /dev/kmsg, and to not come. */
#define RECORD_WAIT_MS	1000
#define NO_RECORD_WAIT_MS	500

/* A namespace policy's identity: what the "mntns" field holds. */
struct ident {
	unsigned int nsid;
	unsigned long long id;
};

/* The 64-bit id of the mount namespace behind nsfs descriptor @fd, or 0. */
static unsigned long long mnt_ns_id_fd(int fd)
{
	__u64 id = 0;

	if (ioctl(fd, NS_GET_MNTNS_ID, &id))
		return 0;
	return id;
}

/* The same for the nsfs file @path. */
static unsigned long long mnt_ns_id_path(const char *path)
{
	unsigned long long id;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	id = mnt_ns_id_fd(fd);
	close(fd);
	return id;
}

/* IMA_DIR/mntns:<id>, or a file @name in it when @name is not NULL. */
static void ns_path(unsigned long long id, const char *name, char *buf,
		    size_t size)
{
	snprintf(buf, size, IMA_DIR "/mntns:%llu%s%s", id, name ? "/" : "",
		 name ?: "");
}

/* --- Reading files and lists ---------------------------------------------- */

/*
 * Reads all of @path into a new buffer, NUL-terminated, in *@out; returns
 * its length or -errno.
 */
static ssize_t read_whole(const char *path, char **out)
{
	size_t size = 4096, len = 0;
	char *buf = malloc(size), *p;
	ssize_t ret = 0;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	for (;;) {
		if (len + 1 >= size) {
			size *= 2;
			p = realloc(buf, size);
			if (!p) {
				ret = -ENOMEM;
				break;
			}
			buf = p;
		}
		ret = read(fd, buf + len, size - 1 - len);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		if (!ret)
			break;
		len += ret;
	}
	close(fd);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	*out = buf;
	return len;
}

/* One record of a binary measurement list. */
struct record {
	const unsigned char *p;
	size_t len;
};

/*
 * A measurement list: the ascii lines, without their newlines, and the
 * binary records, of the global list or of a namespace's view.
 */
struct mlist {
	char *text;
	char **line;
	int n;
	char *bin;
	size_t bin_len;
	struct record *rec;
	int nrec;
};

/* Splits @text at its newlines; returns the number of lines or -1. */
static int split_lines(char *text, size_t len, char ***line)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		return -1;
	*line = calloc(n + 1, sizeof(**line));
	if (!*line)
		return -1;
	for (n = 0, i = 0; i < len; n++) {
		(*line)[n] = text + i;
		i += strcspn(text + i, "\n");
		text[i++] = '\0';
	}
	return n;
}

static __u32 get_u32(const unsigned char *p)
{
	__u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Splits a binary list into its records: u32 PCR, SHA-1 template hash,
 * u32 name length and name, then, but for the "ima" template, u32 length
 * and the template data.  Returns the number of records, or -1 if @len
 * bytes do not make whole records.
 */
static int split_records(const unsigned char *buf, size_t len,
			 struct record **rec)
{
	size_t off = 0, start, name_len, data_len;
	int n = 0, cap = 16;
	struct record *r = malloc(cap * sizeof(*r)), *p;

	if (!r)
		return -1;
	while (off < len) {
		start = off;
		if (len - off < 4 + SHA1_LEN + 4)
			goto bad;
		off += 4 + SHA1_LEN;
		name_len = get_u32(buf + off);
		off += 4;
		if (name_len > 255 || len - off < name_len)
			goto bad;
		off += name_len;
		if (name_len == 3 && !memcmp(buf + off - 3, "ima", 3)) {
			/* d without length, then n with one. */
			if (len - off < SHA1_LEN + 4)
				goto bad;
			off += SHA1_LEN;
		}
		if (len - off < 4)
			goto bad;
		data_len = get_u32(buf + off);
		off += 4;
		if (len - off < data_len)
			goto bad;
		off += data_len;
		if (n == cap) {
			cap *= 2;
			p = realloc(r, cap * sizeof(*r));
			if (!p)
				goto bad;
			r = p;
		}
		r[n].p = buf + start;
		r[n++].len = off - start;
	}
	*rec = r;
	return n;
bad:
	free(r);
	return -1;
}

static void free_mlist(struct mlist *l)
{
	free(l->text);
	free(l->line);
	free(l->bin);
	free(l->rec);
	memset(l, 0, sizeof(*l));
}

/* Loads the two lists of @dir (IMA_DIR, or a namespace's directory). */
static void load_mlist(struct __test_metadata *_metadata, const char *dir,
		       struct mlist *l)
{
	char path[128];
	ssize_t len;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/" ASCII_LIST, dir);
	len = read_whole(path, &l->text);
	ASSERT_LE(0, len) {
		TH_LOG("reading %s: %s", path, strerror(-len));
	}
	l->n = split_lines(l->text, len, &l->line);
	ASSERT_LE(0, l->n) {
		TH_LOG("%s: not whole lines", path);
	}
	snprintf(path, sizeof(path), "%s/" BINARY_LIST, dir);
	len = read_whole(path, &l->bin);
	ASSERT_LE(0, len) {
		TH_LOG("reading %s: %s", path, strerror(-len));
	}
	l->bin_len = len;
	l->nrec = split_records((unsigned char *)l->bin, len, &l->rec);
	ASSERT_LE(0, l->nrec) {
		TH_LOG("%s: not whole records", path);
	}
	ASSERT_EQ(l->n, l->nrec) {
		TH_LOG("%s: %d lines, %d records", dir, l->n, l->nrec);
	}
}

/* The number of entries in the global list. */
static int global_count(struct __test_metadata *_metadata)
{
	struct mlist g;
	int n;

	load_mlist(_metadata, IMA_DIR, &g);
	n = g.n;
	free_mlist(&g);
	return n;
}

/* A namespace's view: its lists, and where its entries are in the global one. */
struct view {
	struct mlist l;
	long *idx;
};

static void free_view(struct view *v)
{
	free_mlist(&v->l);
	free(v->idx);
	v->idx = NULL;
}

/*
 * Loads the view of the policy of @who and checks it against the global
 * list: runtime_measurements_index has one 0-based global index per entry,
 * in increasing order, each ascii line and binary record of the view is
 * the global one at its index, and each entry has @who's identity.
 */
static void load_view(struct __test_metadata *_metadata,
		      const struct ident *who, struct view *v)
{
	char dir[64], path[128], tail[48], *text, *p, *end;
	struct mlist g;
	ssize_t len;
	int i;

	ns_path(who->id, NULL, dir, sizeof(dir));
	load_mlist(_metadata, dir, &v->l);
	snprintf(path, sizeof(path), "%s/" INDEX_LIST, dir);
	len = read_whole(path, &text);
	ASSERT_LE(0, len) {
		TH_LOG("reading %s: %s", path, strerror(-len));
	}
	v->idx = calloc(v->l.n + 1, sizeof(*v->idx));
	ASSERT_NE(NULL, v->idx);
	load_mlist(_metadata, IMA_DIR, &g);
	snprintf(tail, sizeof(tail), " %u:%llu", who->nsid, who->id);

	for (i = 0, p = text; *p; i++) {
		ASSERT_GT(v->l.n, i) {
			TH_LOG("%s: more lines than the view's %d entries",
			       path, v->l.n);
		}
		errno = 0;
		v->idx[i] = strtol(p, &end, 10);
		ASSERT_TRUE(end != p && *end == '\n' && !errno && *p != '-' &&
			    *p != '+') {
			TH_LOG("%s: bad line %d: %.*s", path, i,
			       (int)strcspn(p, "\n"), p);
		}
		p = end + 1;
		ASSERT_GT(g.n, v->idx[i]);
		if (i) {
			ASSERT_LT(v->idx[i - 1], v->idx[i]);
		}
		EXPECT_STREQ(g.line[v->idx[i]], v->l.line[i]);
		EXPECT_EQ(g.rec[v->idx[i]].len, v->l.rec[i].len);
		if (g.rec[v->idx[i]].len == v->l.rec[i].len) {
			EXPECT_EQ(0, memcmp(g.rec[v->idx[i]].p, v->l.rec[i].p,
					    v->l.rec[i].len)) {
				TH_LOG("binary record %d is not global %ld", i,
				       v->idx[i]);
			}
		}
		len = strlen(v->l.line[i]);
		EXPECT_TRUE(len > (ssize_t)strlen(tail) &&
			    !strcmp(v->l.line[i] + len - strlen(tail), tail)) {
			TH_LOG("not%s: %s", tail, v->l.line[i]);
		}
	}
	ASSERT_EQ(v->l.n, i) {
		TH_LOG("%s: %d lines for %d entries", path, i, v->l.n);
	}
	free(text);
	free_mlist(&g);
}

/* --- Expected entries ------------------------------------------------------ */

/* An entry as the kernel should make it. */
struct want {
	const char *tmpl;	/* "ima-ns" or "ima-ng" */
	unsigned int pcr;
	const char *path;
	const char *content;	/* NULL: no digest, as for a violation */
	struct ident who;	/* for "ima-ns" */
	bool unhashed;		/* with no content: a read IMA could not hash */
};

static size_t put_field(unsigned char *buf, size_t off, const void *data,
			__u32 len)
{
	memcpy(buf + off, &len, sizeof(len));
	memcpy(buf + off + sizeof(len), data, len);
	return off + sizeof(len) + len;
}

/*
 * The template data of @w as the binary list has it: each field as a u32
 * length and its bytes.  Returns the length, or -1.
 */
static int want_data(const struct want *w, unsigned char *buf, size_t size)
{
	unsigned char dng[DNG_LEN] = "sha256:", ns[MNTNS_LEN];
	size_t plen = strlen(w->path) + 1, off = 0;
	__u32 nsid = w->who.nsid;
	__u64 id = w->who.id;

	if (size < 3 * 4 + DNG_LEN + plen + MNTNS_LEN)
		return -1;
	if (w->content &&
	    kernel_digest("sha256", w->content, strlen(w->content),
			  dng + DNG_PREFIX_LEN, SHA256_LEN))
		return -1;
	off = put_field(buf, off, dng, DNG_LEN);
	off = put_field(buf, off, w->path, plen);
	if (!strcmp(w->tmpl, "ima-ns")) {
		memcpy(ns, &nsid, sizeof(nsid));
		memcpy(ns + sizeof(nsid), &id, sizeof(id));
		off = put_field(buf, off, ns, MNTNS_LEN);
	}
	return off;
}

/*
 * The SHA-1 template hash of @w: of its template data, or zeros for a
 * violation.  Returns 0 or -1.
 */
static int want_hash(const struct want *w, unsigned char *hash)
{
	unsigned char data[DATA_MAX];
	int len = want_data(w, data, sizeof(data));

	memset(hash, 0, SHA1_LEN);
	if (len < 0)
		return -1;
	if (!w->content && !w->unhashed)
		return 0;
	return kernel_digest("sha1", data, len, hash, SHA1_LEN) ? -1 : 0;
}

/* The binary record of @w; returns its length, or -1. */
static int want_record(const struct want *w, unsigned char *buf, size_t size)
{
	unsigned char data[DATA_MAX];
	__u32 pcr = w->pcr, name_len = strlen(w->tmpl), data_len;
	int len = want_data(w, data, sizeof(data));
	size_t off = 0;

	if (len < 0 || size < 4 + SHA1_LEN + 4 + name_len + 4 + len)
		return -1;
	data_len = len;
	memcpy(buf, &pcr, sizeof(pcr));
	off += sizeof(pcr);
	if (want_hash(w, buf + off))
		return -1;
	off += SHA1_LEN;
	off = put_field(buf, off, w->tmpl, name_len);
	off = put_field(buf, off, data, data_len);
	return off;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* The ascii line of @w, without its newline; returns 0 or -1. */
static int want_line(const struct want *w, char *line, size_t size)
{
	unsigned char hash[SHA1_LEN], digest[SHA256_LEN] = { 0 };
	char hash_hex[2 * SHA1_LEN + 1], digest_hex[2 * SHA256_LEN + 1];
	int len;

	if (want_hash(w, hash))
		return -1;
	if (w->content &&
	    kernel_digest("sha256", w->content, strlen(w->content), digest,
			  SHA256_LEN))
		return -1;
	to_hex(hash, SHA1_LEN, hash_hex);
	to_hex(digest, SHA256_LEN, digest_hex);
	len = snprintf(line, size, "%u %s %s sha256:%s %s", w->pcr, hash_hex,
		       w->tmpl, digest_hex, w->path);
	if (!strcmp(w->tmpl, "ima-ns"))
		len += snprintf(line + len, size - len, " %u:%llu", w->who.nsid,
				w->who.id);
	return len < (int)size ? 0 : -1;
}

/* Expects @line and @rec to be the entry @w. */
static void expect_entry(struct __test_metadata *_metadata, const char *line,
			 const struct record *rec, const struct want *w)
{
	unsigned char want_rec[DATA_MAX + 64];
	char want[512];
	int len;

	ASSERT_EQ(0, want_line(w, want, sizeof(want)));
	EXPECT_STREQ(want, line);
	len = want_record(w, want_rec, sizeof(want_rec));
	ASSERT_LT(0, len);
	EXPECT_EQ((size_t)len, rec->len);
	if ((size_t)len == rec->len) {
		EXPECT_EQ(0, memcmp(want_rec, rec->p, len)) {
			TH_LOG("binary record of %s", line);
		}
	}
}

/* Expects entry @i of @l to be @w. */
static void expect_nth(struct __test_metadata *_metadata,
		       const struct mlist *l, int i, const struct want *w)
{
	ASSERT_GT(l->n, i);
	expect_entry(_metadata, l->line[i], &l->rec[i], w);
}

/*
 * Expects the view of @who to hold @n entries: @w, then @n - 1
 * violations of @w's file.
 */
static void expect_view_then_violations(struct __test_metadata *_metadata,
					const struct ident *who,
					struct want w, int n)
{
	struct view v;
	int i;

	load_view(_metadata, who, &v);
	ASSERT_EQ(n, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	w.content = NULL;
	w.unhashed = false;
	for (i = 1; i < n; i++)
		expect_nth(_metadata, &v.l, i, &w);
	free_view(&v);
}

/* --- Audit records ----------------------------------------------------------- */

/* Fields "mnt_ns=<nsid>" and "mnt_ns_id=<id>" of @who, in @ns and @id. */
static void ident_tokens(const struct ident *who, char ns[32], char id[48])
{
	snprintf(ns, 32, "mnt_ns=%u", who->nsid);
	snprintf(id, 48, "mnt_ns_id=%llu", who->id);
}

/* The type-1804 records of a policy that reached its measure_limit. */
static int count_limit_records(int kmsg, const struct ident *who, int wait_ms)
{
	char ns[32], id[48];
	const char *tok[] = { "type=1804", "op=ns_measure", "cause=limit-reached",
			      ns, id, "res=0", NULL };

	ident_tokens(who, ns, id);
	return kmsg_count_match(kmsg, tok, kmsg_has_field, wait_ms, NULL, 0);
}

/* The type-1802 records of measure_limit writes of @limit. */
static int count_limit_set_records(int kmsg, const struct ident *who,
				   unsigned int limit, int wait_ms)
{
	char ns[32], id[48], lim[32];
	const char *tok[] = { "type=1802", "op=ns_measure_limit", "cause=set",
			      ns, id, lim, NULL };

	ident_tokens(who, ns, id);
	snprintf(lim, sizeof(lim), "limit=%u", limit);
	return kmsg_count_match(kmsg, tok, kmsg_has_field, wait_ms, NULL, 0);
}

/* The type-1804 violation records of @cause about @path. */
static int count_violation_records(int kmsg, const char *cause,
				   const char *path, int wait_ms, char *last,
				   size_t size)
{
	char c[48], name[160];
	const char *tok[] = { "type=1804", "op=invalid_pcr", c, name, NULL };

	snprintf(c, sizeof(c), "cause=%s", cause);
	snprintf(name, sizeof(name), "name=\"%s\"", path);
	return kmsg_count_match(kmsg, tok, kmsg_has_field, wait_ms, last,
				size);
}

/* Expects one audit record on @kmsg of a gap recorded for @path. */
static void expect_gap_record(struct __test_metadata *_metadata, int kmsg,
			      const char *path)
{
	char last[2048] = "";

	EXPECT_EQ(1, count_violation_records(kmsg, "measure_limit", path,
					     RECORD_WAIT_MS, last,
					     sizeof(last)));
	EXPECT_TRUE(kmsg_has_field(last, "res=1")) {
		TH_LOG("the gap not recorded: %s", last);
	}
}

/* --- Policies, files and namespaces ------------------------------------------- */

/*
 * "measure func=FILE_CHECK mask=MAY_READ <extra> fsmagic=<magic>
 * fowner=<owner>\n", for the variant's file system, in self->rule_buf.
 */
static const char *measure_rule(FIXTURE_DATA(fs) * self, const char *extra,
				uid_t owner)
{
	char cond[128];

	snprintf(cond, sizeof(cond), "func=FILE_CHECK mask=MAY_READ%s%s",
		 *extra ? " " : "", extra);
	return fs_rule_action(self, "measure", cond, owner);
}

static void assert_load(struct __test_metadata *_metadata, unsigned int nsid,
			const char *rules)
{
	int err = load_policy(nsid, rules);

	ASSERT_EQ(0, err) {
		TH_LOG("loading \"%s\" into namespace %u: %s", rules, nsid,
		       strerror(-err));
	}
}

/*
 * Loads into the policy of @nsid a measure rule that measures nothing,
 * for the files that a policy only has once it has a measure rule.
 */
static void load_measure_nothing(struct __test_metadata *_metadata,
				 unsigned int nsid)
{
	char rule[96];

	snprintf(rule, sizeof(rule),
		 "measure func=FILE_CHECK mask=MAY_READ fowner=%u\n",
		 OWNER_M_NONE);
	assert_load(_metadata, nsid, rule);
}

/*
 * Makes the file @name with @content and @owner in the test's directory;
 * @path gets where the test uses it.
 */
static void make_test_file(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fs) * self, const char *name,
			   const char *content, uid_t owner, char *path,
			   size_t size)
{
	char src[128];

	snprintf(src, sizeof(src), "%s/%s", self->src_dir, name);
	snprintf(path, size, "%s/%s", self->dir, name);
	ASSERT_EQ(0, make_file(src, content, strlen(content), owner, 0644));
}

/* The identity of the test's own namespace. */
static struct ident test_ident(struct __test_metadata *_metadata,
			       unsigned int nsid, int ns_fd)
{
	struct ident who = { nsid, mnt_ns_id_fd(ns_fd) };

	EXPECT_NE(0, who.id);
	return who;
}

static void expect_open(struct __test_metadata *_metadata, const char *path,
			int want)
{
	int err = try_open(path);

	EXPECT_EQ(want, err) {
		TH_LOG("opening %s: %s", path, strerror(-err));
	}
}

struct rewrite {
	const char *path;
	const char *content;
};

/* For as_host(): gives @path the content; 0 or a step number. */
static int rewrite_file(void *data)
{
	const struct rewrite *r = data;
	int fd = open(r->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t len = strlen(r->content);

	if (fd < 0)
		return 1;
	if (write(fd, r->content, len) != len)
		return 2;
	return close(fd) ? 3 : 0;
}

/* For as_host(): opens @path for write and closes it; 0 or the errno. */
static int open_for_write(void *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* What a namespace made by spawn_ns() does once registered. */
struct ns_job {
	int host_ns;		/* -1: a namespace nested in the caller's */
	const char *rules;
	const char *reads[3];	/* files to open, NULL-terminated */
};

struct ns_report {
	int err;		/* 0, or the failed step */
	struct ident who;
};

/* A process that holds a registered namespace until released. */
struct ns_holder {
	pid_t pid;
	int release;
};

static int run_job(const struct ns_job *job, struct ns_report *r)
{
	int i;

	if (job->host_ns >= 0 && setns(job->host_ns, CLONE_NEWNS))
		return 1;
	r->who.nsid = enter_registered_ns();
	if (!r->who.nsid)
		return 2;
	r->who.id = mnt_ns_id_path("/proc/self/ns/mnt");
	if (!r->who.id)
		return 3;
	if (job->rules && load_policy(r->who.nsid, job->rules))
		return 4;
	for (i = 0; i < 3 && job->reads[i]; i++)
		if (try_open(job->reads[i]))
			return 10 + i;
	return 0;
}

/*
 * Forks a process that registers a new mount namespace, a sibling of the
 * test's made from the host's or one nested in the test's, loads the rules
 * and opens the files of @job, and stays until ns_release() or the end of
 * the test.  Returns 0 and its identity in @who, or the failed step.
 */
static int spawn_ns(struct ns_holder *h, const struct ns_job *job,
		    struct ident *who)
{
	struct ns_report r = { 0 };
	int ready[2], release[2];
	char c;

	if (pipe2(ready, O_CLOEXEC) || pipe2(release, O_CLOEXEC))
		return -1;
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		close(ready[0]);
		close(release[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		r.err = run_job(job, &r);
		if (write(ready[1], &r, sizeof(r)) != sizeof(r) || r.err)
			_exit(1);
		/* Until the test closes its end, or ends. */
		_exit(read(release[0], &c, 1) < 0);
	}
	close(ready[1]);
	close(release[0]);
	h->release = release[1];
	if (read(ready[0], &r, sizeof(r)) != sizeof(r))
		r.err = -1;
	close(ready[0]);
	*who = r.who;
	return r.err;
}

static void ns_release(struct ns_holder *h)
{
	int status;

	if (h->pid <= 0)
		return;
	close(h->release);
	waitpid(h->pid, &status, 0);
	h->pid = 0;
}

/* Writes @s to the measure_limit file of @id in one write(2). */
static ssize_t write_limit(unsigned long long id, const char *s, size_t len)
{
	char path[96];

	ns_path(id, MEASURE_LIMIT, path, sizeof(path));
	return write_file(path, s, len);
}

static void assert_set_limit(struct __test_metadata *_metadata,
			     unsigned long long id, const char *s)
{
	ssize_t ret = write_limit(id, s, strlen(s));

	ASSERT_EQ((ssize_t)strlen(s), ret) {
		TH_LOG("writing \"%s\" to measure_limit: %s", s,
		       ret < 0 ? strerror(-ret) : "short write");
	}
}

static void expect_limit(struct __test_metadata *_metadata,
			 unsigned long long id, const char *want)
{
	char path[96], buf[64] = "";
	ssize_t len;

	ns_path(id, MEASURE_LIMIT, path, sizeof(path));
	len = read_file(path, buf, sizeof(buf));
	EXPECT_EQ((ssize_t)strlen(want), len) {
		TH_LOG("reading %s: %s", path, len < 0 ? strerror(-len) : buf);
	}
	EXPECT_STREQ(want, buf);
}

/* Loads @rule into the global policy unless a rule of @owner is there. */
static void ensure_global_rule(struct __test_metadata *_metadata,
			       const char *rule, uid_t owner)
{
	char tok[32], *policy = NULL;
	ssize_t len = read_whole(GLOBAL_POLICY, &policy);
	int err;

	snprintf(tok, sizeof(tok), "fowner=%u", owner);
	if (len >= 0 && kmsg_has_field(policy, tok)) {
		free(policy);
		return;
	}
	free(policy);
	err = load_rules(GLOBAL_POLICY, rule);
	ASSERT_EQ(0, err) {
		TH_LOG("loading global rule \"%s\": %s", rule, strerror(-err));
	}
}

#define CONTENT_A	"ima_ns measure test: content A\n"
#define CONTENT_B	"ima_ns measure test: content B, longer\n"
#define CONTENT_C	"ima_ns measure test: content C\n"

/* --- Measure rules ----------------------------------------------------------- */

/*
 * Read twice in the namespace, and first in an unregistered copy of it:
 * one entry, ima-ns, with the registered namespace's identity.
 */
TEST_F(fs, measures_once_with_registered_identity)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	struct mlist g;
	struct view v;
	int g0;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	g0 = global_count(_metadata);

	EXPECT_EQ(0, run_child(unshare_and_open, self->file));
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);

	load_mlist(_metadata, IMA_DIR, &g);
	EXPECT_EQ(g0 + 1, g.n);
	if (g.n > g0) {
		expect_nth(_metadata, &g, g0, &w);
	}
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	EXPECT_EQ(g0, v.idx[0]);
	free_view(&v);
	free_mlist(&g);
}

TEST_F(fs, host_measurement_does_not_suppress)
{
	char rule[96];
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want host = { "ima-ng", PCR_DEFAULT, self->file, CONTENT_A };
	struct want ns = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	struct mlist g;
	struct view v;
	int g0;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M_GLOBAL,
		       self->file, sizeof(self->file));
	snprintf(rule, sizeof(rule),
		 "measure func=FILE_CHECK mask=MAY_READ fowner=%u\n",
		 OWNER_M_GLOBAL);
	ensure_global_rule(_metadata, rule, OWNER_M_GLOBAL);
	assert_load(_metadata, self->nsid,
		    measure_rule(self, "", OWNER_M_GLOBAL));
	g0 = global_count(_metadata);

	/* The host first: its entry, of the global rule's template. */
	EXPECT_EQ(0, as_host(self->host_ns, open_status, self->file));
	load_mlist(_metadata, IMA_DIR, &g);
	ASSERT_EQ(g0 + 1, g.n);
	expect_nth(_metadata, &g, g0, &host);
	free_mlist(&g);

	/* Then the namespace: its own entry all the same. */
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	load_mlist(_metadata, IMA_DIR, &g);
	EXPECT_EQ(g0 + 2, g.n);
	if (g.n > g0 + 1) {
		expect_nth(_metadata, &g, g0 + 1, &ns);
	}
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &ns);
	EXPECT_EQ(g0 + 1, v.idx[0]);
	free_view(&v);
	free_mlist(&g);
}

/*
 * New content is measured again; content measured before is not, even
 * when the file gets it back.
 */
TEST_F(fs, modified_file_measured_again)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want a = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	struct want b = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_B, who };
	struct rewrite r = { self->file, CONTENT_B };
	struct view v;
	int g1;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	expect_open(_metadata, self->file, 0);
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &a);
	free_view(&v);

	ASSERT_EQ(0, as_host(self->host_ns, rewrite_file, &r));
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	expect_nth(_metadata, &v.l, 0, &a);
	expect_nth(_metadata, &v.l, 1, &b);
	free_view(&v);
	g1 = global_count(_metadata);

	/* Back to the first content: measured already. */
	r.content = CONTENT_A;
	ASSERT_EQ(0, as_host(self->host_ns, rewrite_file, &r));
	expect_open(_metadata, self->file, 0);
	load_view(_metadata, &who, &v);
	EXPECT_EQ(2, v.l.n);
	free_view(&v);
	EXPECT_EQ(g1, global_count(_metadata));
}

/*
 * The host rewrites the content where it lives, behind an overlay: the
 * next read through the overlay measures the new content, though only a
 * namespace policy measures, and nothing else looks at the file.
 */
TEST_F(fs, content_changed_underneath_measured_again)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want a = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	struct want b = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_B, who };
	struct rewrite r = { self->backing, CONTENT_B };
	struct view v;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	ASSERT_EQ(0, fs_copy_up(self));
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	ASSERT_EQ(0, as_host(self->host_ns, rewrite_file, &r));
	expect_open(_metadata, self->file, 0);

	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	expect_nth(_metadata, &v.l, 0, &a);
	expect_nth(_metadata, &v.l, 1, &b);
	free_view(&v);
}

/* The first measure or dont_measure rule that matches decides. */
TEST_F(fs, dont_measure_first_match_decides)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	char a[128], b[128], c[128], rules[1024] = "";
	struct want wa = { "ima-ns", PCR_DEFAULT, a, CONTENT_A, who };
	struct want wc = { "ima-ns", PCR_DEFAULT, c, CONTENT_C, who };
	struct mlist g;
	struct view v;
	int g0;

	make_test_file(_metadata, self, "a", CONTENT_A, OWNER_M, a, sizeof(a));
	make_test_file(_metadata, self, "b", CONTENT_B, OWNER_M_B, b,
		       sizeof(b));
	make_test_file(_metadata, self, "c", CONTENT_C, OWNER_M_C, c,
		       sizeof(c));
	strcat(rules, fs_rule_action(self, "dont_measure", "", OWNER_M_B));
	strcat(rules, measure_rule(self, "", OWNER_M_B));
	strcat(rules, measure_rule(self, "", OWNER_M));
	strcat(rules, measure_rule(self, "", OWNER_M_C));
	strcat(rules, fs_rule_action(self, "dont_measure", "", OWNER_M_C));
	assert_load(_metadata, self->nsid, rules);
	g0 = global_count(_metadata);

	expect_open(_metadata, b, 0);
	expect_open(_metadata, a, 0);
	expect_open(_metadata, c, 0);
	load_mlist(_metadata, IMA_DIR, &g);
	EXPECT_EQ(g0 + 2, g.n);
	free_mlist(&g);
	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	expect_nth(_metadata, &v.l, 0, &wa);
	expect_nth(_metadata, &v.l, 1, &wc);
	free_view(&v);
}

/*
 * The record of the binary view, field by field: PCR, SHA-1 template hash
 * of the template data, "ima-ns", then d-ng, n-ng and mntns.
 */
TEST_F(fs, template_bytes)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	unsigned char digest[SHA256_LEN], hash[SHA1_LEN];
	const unsigned char *p, *data;
	size_t plen = strlen(self->file) + 1;
	__u32 nsid, data_len;
	struct view v;
	__u64 id;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	expect_open(_metadata, self->file, 0);
	ASSERT_EQ(0, kernel_digest("sha256", CONTENT_A, strlen(CONTENT_A),
				   digest, SHA256_LEN));
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.nrec);
	p = v.l.rec[0].p;

	EXPECT_EQ(PCR_DEFAULT, get_u32(p));
	ASSERT_EQ(6, get_u32(p + 4 + SHA1_LEN));
	EXPECT_EQ(0, memcmp(p + 4 + SHA1_LEN + 4, "ima-ns", 6));
	data_len = get_u32(p + 4 + SHA1_LEN + 4 + 6);
	data = p + 4 + SHA1_LEN + 4 + 6 + 4;
	ASSERT_EQ(v.l.rec[0].len, (size_t)(data - p) + data_len);
	ASSERT_EQ(4 + DNG_LEN + 4 + plen + 4 + MNTNS_LEN, data_len);

	/* d-ng: "sha256:", NUL, the digest of the content. */
	EXPECT_EQ(DNG_LEN, get_u32(data));
	EXPECT_EQ(0, memcmp(data + 4, "sha256:", DNG_PREFIX_LEN));
	EXPECT_EQ(0, memcmp(data + 4 + DNG_PREFIX_LEN, digest, SHA256_LEN));
	data += 4 + DNG_LEN;
	/* n-ng: the path and its NUL. */
	EXPECT_EQ(plen, get_u32(data));
	EXPECT_EQ(0, memcmp(data + 4, self->file, plen));
	data += 4 + plen;
	/* mntns: u32 nsid, u64 id, host byte order. */
	EXPECT_EQ(MNTNS_LEN, get_u32(data));
	memcpy(&nsid, data + 4, sizeof(nsid));
	memcpy(&id, data + 4 + sizeof(nsid), sizeof(id));
	EXPECT_EQ(who.nsid, nsid);
	EXPECT_EQ(who.id, id);

	/* The template hash is SHA-1 of the template data. */
	ASSERT_EQ(0, kernel_digest("sha1", p + 4 + SHA1_LEN + 4 + 6 + 4,
				   data_len, hash, SHA1_LEN));
	EXPECT_EQ(0, memcmp(hash, p + 4, SHA1_LEN));
	free_view(&v);
}

/*
 * Two namespaces, each reading its own file and one they share: each view
 * holds its own entries, with its own identity.
 */
TEST_F(fs, views_filtered_per_namespace)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd), other;
	char own[128], theirs[128], shared[128], rule[256];
	struct want w = { "ima-ns", PCR_DEFAULT, own, CONTENT_A, who };
	struct ns_job job = { self->host_ns, rule, { theirs, shared } };
	struct ns_holder h = { 0 };
	struct view v, vo;
	int g0, i;

	make_test_file(_metadata, self, "own", CONTENT_A, OWNER_M, own,
		       sizeof(own));
	make_test_file(_metadata, self, "theirs", CONTENT_B, OWNER_M, theirs,
		       sizeof(theirs));
	make_test_file(_metadata, self, "shared", CONTENT_C, OWNER_M, shared,
		       sizeof(shared));
	snprintf(rule, sizeof(rule), "%s", measure_rule(self, "", OWNER_M));
	assert_load(_metadata, self->nsid, rule);
	g0 = global_count(_metadata);

	expect_open(_metadata, own, 0);
	expect_open(_metadata, shared, 0);
	ASSERT_EQ(0, spawn_ns(&h, &job, &other));
	ASSERT_NE(who.nsid, other.nsid);
	ASSERT_NE(who.id, other.id);
	EXPECT_EQ(g0 + 4, global_count(_metadata));

	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	w.path = shared;
	w.content = CONTENT_C;
	expect_nth(_metadata, &v.l, 1, &w);

	load_view(_metadata, &other, &vo);
	ASSERT_EQ(2, vo.l.n);
	w.who = other;
	w.path = theirs;
	w.content = CONTENT_B;
	expect_nth(_metadata, &vo.l, 0, &w);
	w.path = shared;
	w.content = CONTENT_C;
	expect_nth(_metadata, &vo.l, 1, &w);

	/* Different entries of the global list, told by the mntns field. */
	for (i = 0; i < 2; i++) {
		EXPECT_NE(v.idx[1], vo.idx[i]);
		EXPECT_NE(v.idx[0], vo.idx[i]);
	}
	EXPECT_STRNE(v.l.line[1], vo.l.line[1]);
	free_view(&v);
	free_view(&vo);
	ns_release(&h);
}

/* pcr= is honoured; template=ima-ns is accepted, and the default. */
TEST_F(fs, pcr_and_template_honoured)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	char a[128], b[128], rules[512] = "";
	struct want wa = { "ima-ns", 11, a, CONTENT_A, who };
	struct want wb = { "ima-ns", PCR_DEFAULT, b, CONTENT_B, who };
	struct view v;

	make_test_file(_metadata, self, "a", CONTENT_A, OWNER_M, a, sizeof(a));
	make_test_file(_metadata, self, "b", CONTENT_B, OWNER_M_B, b,
		       sizeof(b));
	strcat(rules, measure_rule(self, "pcr=11", OWNER_M));
	strcat(rules, measure_rule(self, "template=ima-ns", OWNER_M_B));
	assert_load(_metadata, self->nsid, rules);
	expect_open(_metadata, a, 0);
	expect_open(_metadata, b, 0);
	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	expect_nth(_metadata, &v.l, 0, &wa);
	EXPECT_EQ(0, strncmp(v.l.line[0], "11 ", 3));
	EXPECT_EQ(11, get_u32(v.l.rec[0].p));
	expect_nth(_metadata, &v.l, 1, &wb);
	free_view(&v);
}

/*
 * A namespace registered inside the test's: both policies measure the
 * child's access, each with its own entry and identity.
 */
TEST_F(fs, nested_policies_each_measure)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd), child;
	char rule[256];
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	struct ns_job job = { -1, rule, { self->file } };
	struct ns_holder h = { 0 };
	struct view v;
	int g0;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	snprintf(rule, sizeof(rule), "%s", measure_rule(self, "", OWNER_M));
	assert_load(_metadata, self->nsid, rule);
	g0 = global_count(_metadata);
	ASSERT_EQ(0, spawn_ns(&h, &job, &child));
	EXPECT_EQ(g0 + 2, global_count(_metadata));

	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	free_view(&v);
	load_view(_metadata, &child, &v);
	ASSERT_EQ(1, v.l.n);
	w.who = child;
	expect_nth(_metadata, &v.l, 0, &w);
	free_view(&v);
	/* The parent's read now: measured for it already. */
	expect_open(_metadata, self->file, 0);
	EXPECT_EQ(g0 + 2, global_count(_metadata));
	ns_release(&h);
}

/* --- measure_limit --------------------------------------------------------- */

TEST_F(fs, measure_limit_reached_edquot)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	char f[3][128], name[8];
	static const char *const content[] = { CONTENT_A, CONTENT_B, CONTENT_C };
	struct want w = { "ima-ns", PCR_DEFAULT, NULL, NULL, who };
	struct view v;
	int i, g2, kmsg;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		make_test_file(_metadata, self, name, content[i], OWNER_M,
			       f[i], sizeof(f[i]));
	}
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	assert_set_limit(_metadata, who.id, "2");
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);

	expect_open(_metadata, f[0], 0);
	expect_open(_metadata, f[1], 0);
	g2 = global_count(_metadata);
	/*
	 * The third entry would pass the limit: refused, once reported, and
	 * recorded as a gap in the view.
	 */
	expect_open(_metadata, f[2], -EDQUOT);
	expect_open(_metadata, f[2], -EDQUOT);
	/* What was measured still opens. */
	expect_open(_metadata, f[0], 0);
	expect_open(_metadata, f[1], 0);
	EXPECT_EQ(1, count_limit_records(kmsg, &who, RECORD_WAIT_MS));
	EXPECT_EQ(g2 + 1, global_count(_metadata));
	load_view(_metadata, &who, &v);
	EXPECT_EQ(3, v.l.n);
	free_view(&v);

	/* Written again, the limit is reported again; the gap stays one. */
	assert_set_limit(_metadata, who.id, "2\n");
	expect_open(_metadata, f[2], -EDQUOT);
	expect_open(_metadata, f[2], -EDQUOT);
	EXPECT_EQ(1, count_limit_records(kmsg, &who, RECORD_WAIT_MS));
	EXPECT_EQ(g2 + 1, global_count(_metadata));

	/* Raised, it lets the third file be measured; the gap counts not. */
	assert_set_limit(_metadata, who.id, "3");
	expect_limit(_metadata, who.id, "3\n");
	expect_open(_metadata, f[2], 0);
	EXPECT_EQ(0, count_limit_records(kmsg, &who, NO_RECORD_WAIT_MS));
	load_view(_metadata, &who, &v);
	ASSERT_EQ(4, v.l.n);
	for (i = 0; i < 4; i++) {
		w.path = f[i < 3 ? i : 2];
		w.content = i == 2 ? NULL : content[i < 3 ? i : 2];
		expect_nth(_metadata, &v.l, i, &w);
	}
	free_view(&v);
	EXPECT_EQ(g2 + 2, global_count(_metadata));
	close(kmsg);
}

/*
 * Content that the policy measured before needs no new entry: at the
 * limit, a read of it is not refused.  The file goes from A to B and back
 * to A, whose entry is in the list already.
 */
TEST_F(fs, measure_limit_spares_measured_content)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct rewrite r = { self->file, CONTENT_B };
	struct view v;
	int g, kmsg;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	assert_set_limit(_metadata, who.id, "2");
	expect_open(_metadata, self->file, 0);
	ASSERT_EQ(0, as_host(self->host_ns, rewrite_file, &r));
	expect_open(_metadata, self->file, 0);
	g = global_count(_metadata);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);

	r.content = CONTENT_A;
	ASSERT_EQ(0, as_host(self->host_ns, rewrite_file, &r));
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	EXPECT_EQ(g, global_count(_metadata));
	EXPECT_EQ(0, count_limit_records(kmsg, &who, NO_RECORD_WAIT_MS));
	load_view(_metadata, &who, &v);
	EXPECT_EQ(2, v.l.n);
	free_view(&v);
	close(kmsg);
}

/*
 * At its limit, a policy records the first entry it refuses as a
 * violation of that file, past the limit: from there on, its view is not
 * complete.  Later refusals, a violation's too, add nothing more until the
 * policy adds an entry again.
 */
TEST_F(fs, measure_limit_gap_recorded_once)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	static const char *const content[] = { CONTENT_A, CONTENT_B, CONTENT_C };
	struct want w = { "ima-ns", PCR_DEFAULT, NULL, NULL, who };
	char f[3][128], name[8], last[2048] = "";
	int i, g, fd, kmsg, kmsg2;
	struct view v;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		make_test_file(_metadata, self, name, content[i], OWNER_M,
			       f[i], sizeof(f[i]));
	}
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	assert_set_limit(_metadata, who.id, "1");
	expect_open(_metadata, f[0], 0);
	g = global_count(_metadata);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	kmsg2 = kmsg_open();
	ASSERT_LE(0, kmsg2);

	expect_open(_metadata, f[1], -EDQUOT);
	expect_open(_metadata, f[1], -EDQUOT);
	expect_open(_metadata, f[2], -EDQUOT);
	/* A ToMToU violation finds no room either: the gap stands for it. */
	fd = open(f[0], O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, as_host(self->host_ns, open_for_write, f[0]));
	close(fd);
	EXPECT_EQ(g + 1, global_count(_metadata));
	expect_gap_record(_metadata, kmsg, f[1]);
	EXPECT_EQ(1, count_violation_records(kmsg2, "ToMToU", f[0],
					     RECORD_WAIT_MS, last,
					     sizeof(last)));
	EXPECT_TRUE(kmsg_has_field(last, "res=0")) {
		TH_LOG("the violation recorded past the gap: %s", last);
	}
	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	w.path = f[0];
	w.content = content[0];
	expect_nth(_metadata, &v.l, 0, &w);
	w.path = f[1];
	w.content = NULL;
	expect_nth(_metadata, &v.l, 1, &w);
	free_view(&v);

	/* Raised, the limit lets f1 in; the next refusal is a new gap. */
	assert_set_limit(_metadata, who.id, "2");
	expect_open(_metadata, f[1], 0);
	expect_open(_metadata, f[2], -EDQUOT);
	expect_open(_metadata, f[2], -EDQUOT);
	EXPECT_EQ(g + 3, global_count(_metadata));
	load_view(_metadata, &who, &v);
	ASSERT_EQ(4, v.l.n);
	w.path = f[1];
	w.content = content[1];
	expect_nth(_metadata, &v.l, 2, &w);
	w.path = f[2];
	w.content = NULL;
	expect_nth(_metadata, &v.l, 3, &w);
	free_view(&v);
	close(kmsg2);
	close(kmsg);
}

/* The global "violations" count. */
static long violation_count(struct __test_metadata *_metadata)
{
	char buf[32];
	ssize_t n;

	n = read_file(IMA_DIR "/violations", buf, sizeof(buf));
	EXPECT_LT(0, n);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/*
 * A violation can be the first entry refused: it becomes the gap, one
 * violation and not two, and covers the measurements refused after it.
 */
TEST_F(fs, measure_limit_gap_from_violation)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, NULL, CONTENT_A, who };
	char f[2][128];
	long vio;
	int fd, g, kmsg;
	struct view v;

	make_test_file(_metadata, self, "f0", CONTENT_A, OWNER_M, f[0],
		       sizeof(f[0]));
	make_test_file(_metadata, self, "f1", CONTENT_B, OWNER_M, f[1],
		       sizeof(f[1]));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	assert_set_limit(_metadata, who.id, "1");
	fd = open(f[0], O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	g = global_count(_metadata);
	vio = violation_count(_metadata);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);

	/* The ToMToU violation finds no room: the gap takes its place. */
	EXPECT_EQ(0, as_host(self->host_ns, open_for_write, f[0]));
	close(fd);
	EXPECT_EQ(vio + 1, violation_count(_metadata));
	expect_open(_metadata, f[1], -EDQUOT);
	EXPECT_EQ(g + 1, global_count(_metadata));
	EXPECT_EQ(vio + 1, violation_count(_metadata));
	expect_gap_record(_metadata, kmsg, f[0]);

	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	w.path = f[0];
	expect_nth(_metadata, &v.l, 0, &w);
	w.content = NULL;
	expect_nth(_metadata, &v.l, 1, &w);
	free_view(&v);
	close(kmsg);
}

#define RACE_PROCS	4
#define RACE_FILES	6
#define RACE_LIMIT	4

/* A violation's ascii line: the template hash is all zero. */
static bool is_violation_line(const char *line)
{
	return strstr(line, " 0000000000000000000000000000000000000000 ");
}

/* For a child: does the view at @path hold a violation yet? */
static bool view_has_violation(const char *path)
{
	bool found = false;
	char *text, *line;
	ssize_t len;

	len = read_whole(path, &text);
	if (len < 0)
		return false;
	for (line = strtok(text, "\n"); line && !found;
	     line = strtok(NULL, "\n"))
		found = is_violation_line(line);
	free(text);
	return found;
}

/*
 * Readers that reach the limit together: as many entries as the limit
 * allows, one gap for all of the refusals, and every other read refused;
 * no refusal returns before the gap is in the view.  Each child reads
 * files of its own, at the same time as the others.
 */
TEST_F(fs, measure_limit_concurrent_refusals_one_gap)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	char f[RACE_PROCS][RACE_FILES][128], name[16], content[32], limit[8];
	char ascii[128];
	int p, i, gate[2], status, ok = 0, refused = 0, gaps = 0;
	pid_t pid[RACE_PROCS];
	struct view v;

	for (p = 0; p < RACE_PROCS; p++) {
		for (i = 0; i < RACE_FILES; i++) {
			snprintf(name, sizeof(name), "r%d-%d", p, i);
			snprintf(content, sizeof(content), "race %d %d\n", p, i);
			make_test_file(_metadata, self, name, content, OWNER_M,
				       f[p][i], sizeof(f[p][i]));
		}
	}
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	ns_path(who.id, "ascii_runtime_measurements", ascii, sizeof(ascii));
	snprintf(limit, sizeof(limit), "%d", RACE_LIMIT);
	assert_set_limit(_metadata, who.id, limit);
	ASSERT_EQ(0, pipe(gate));
	for (p = 0; p < RACE_PROCS; p++) {
		pid[p] = fork();
		ASSERT_LE(0, pid[p]);
		if (pid[p] == 0) {
			int n_ok = 0, n_refused = 0, err;
			char c;

			close(gate[1]);
			if (read(gate[0], &c, 1) != 0)
				_exit(255);
			for (i = 0; i < RACE_FILES; i++) {
				err = try_open(f[p][i]);
				if (!err)
					n_ok++;
				else if (err != -EDQUOT)
					_exit(255);
				else if (!n_refused++ &&
					 !view_has_violation(ascii))
					_exit(254);
			}
			/* At most 6 of each: 7 * 6 + 6 < 255. */
			_exit(n_ok + 7 * n_refused);
		}
	}
	close(gate[0]);
	close(gate[1]);	/* All children start reading now. */
	for (p = 0; p < RACE_PROCS; p++) {
		ASSERT_EQ(pid[p], waitpid(pid[p], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_NE(255, WEXITSTATUS(status));
		ASSERT_NE(254, WEXITSTATUS(status)) {
			TH_LOG("a refusal returned before the gap was listed");
		}
		ok += WEXITSTATUS(status) % 7;
		refused += WEXITSTATUS(status) / 7;
	}
	EXPECT_EQ(RACE_LIMIT, ok);
	EXPECT_EQ(RACE_PROCS * RACE_FILES - RACE_LIMIT, refused);

	load_view(_metadata, &who, &v);
	for (i = 0; i < v.l.n; i++)
		gaps += is_violation_line(v.l.line[i]);
	EXPECT_EQ(RACE_LIMIT + 1, v.l.n);
	EXPECT_EQ(1, gaps);
	free_view(&v);
}

/*
 * In log mode the limit does not deny: no measurement is added, only the
 * gap, once reported.
 */
TEST_F(fs, measure_limit_log_mode_allows)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, NULL, who };
	char mode[64];
	struct view v;
	int g0, kmsg;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	ns_path(who.id, "mode", mode, sizeof(mode));
	ASSERT_EQ(3, write_file(mode, "log", 3));
	assert_set_limit(_metadata, who.id, "0");
	g0 = global_count(_metadata);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);

	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	EXPECT_EQ(1, count_limit_records(kmsg, &who, RECORD_WAIT_MS));
	EXPECT_EQ(g0 + 1, global_count(_metadata));
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	free_view(&v);
	close(kmsg);
}

/* --- Violations ---------------------------------------------------------- */

/*
 * A governed read of a file open for write: a violation entry, all-zero
 * digest and template hash, with the policy's identity; once per content.
 */
TEST_F(fs, violation_open_writers)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, NULL, who };
	char ns[32], id[48], last[2048] = "", line[512];
	struct view v;
	int fd, i, n = 0, at = -1, kmsg;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	fd = open(self->file, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	close(fd);

	ASSERT_EQ(0, want_line(&w, line, sizeof(line)));
	load_view(_metadata, &who, &v);
	for (i = 0; i < v.l.n; i++) {
		if (!strcmp(v.l.line[i], line)) {
			n++;
			at = i;
		}
	}
	EXPECT_EQ(1, n) {
		TH_LOG("want one \"%s\" in the view of %d entries", line,
		       v.l.n);
	}
	if (at >= 0) {
		expect_nth(_metadata, &v.l, at, &w);
	}
	free_view(&v);
	EXPECT_EQ(1, count_violation_records(kmsg, "open_writers", self->file,
					     RECORD_WAIT_MS, last,
					     sizeof(last)));
	ident_tokens(&who, ns, id);
	EXPECT_TRUE(kmsg_has_field(last, ns) && kmsg_has_field(last, id)) {
		TH_LOG("no %s %s in: %s", ns, id, last);
	}
	close(kmsg);
}

/*
 * A file the namespace measured and holds open for read, opened for write
 * by the host: a ToMToU violation entry for the policy that measured it.
 */
/*
 * Each time the file is open for write anew, a reader that the policy
 * measures records open_writers again, as the global policy does after
 * the last writer's close; the content stays the same.
 */
TEST_F(fs, violation_open_writers_each_episode)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, NULL, who };
	char last[2048] = "", line[512];
	int fd, i, n = 0, episode, kmsg;
	struct view v;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	for (episode = 0; episode < 2; episode++) {
		fd = open(self->file, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		expect_open(_metadata, self->file, 0);
		expect_open(_metadata, self->file, 0);
		close(fd);
	}

	ASSERT_EQ(0, want_line(&w, line, sizeof(line)));
	load_view(_metadata, &who, &v);
	for (i = 0; i < v.l.n; i++)
		n += !strcmp(v.l.line[i], line);
	EXPECT_EQ(2, n) {
		TH_LOG("want two \"%s\" in the view of %d entries", line,
		       v.l.n);
	}
	free_view(&v);
	EXPECT_EQ(2, count_violation_records(kmsg, "open_writers", self->file,
					     RECORD_WAIT_MS, last,
					     sizeof(last)));
	close(kmsg);
}

/*
 * The host opens for write, @rounds times, a file that the namespace
 * holds open for read each time: one ToMToU violation per round.  With
 * @measured_first, the namespace read it once before, so that each
 * reader's access is the common one with nothing else to report.
 */
static void expect_tomtou_rounds(struct __test_metadata *_metadata,
				 FIXTURE_DATA(fs) * self, int rounds,
				 bool measured_first)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	char last[2048] = "";
	int fd, kmsg, round;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	if (measured_first)
		expect_open(_metadata, self->file, 0);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	for (round = 0; round < rounds; round++) {
		fd = open(self->file, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, as_host(self->host_ns, open_for_write, self->file));
		close(fd);
	}

	expect_view_then_violations(_metadata, &who, w, 1 + rounds);
	EXPECT_EQ(rounds, count_violation_records(kmsg, "ToMToU", self->file,
						  RECORD_WAIT_MS, last,
						  sizeof(last)));
	close(kmsg);
}

TEST_F(fs, violation_tomtou)
{
	expect_tomtou_rounds(_metadata, self, 1, false);
}

/*
 * Each reader that the policy measures is noted for the next writer, the
 * one after a ToMToU violation too, although its access is otherwise the
 * common one with nothing to report: two rounds, two violations.
 */
TEST_F(fs, violation_tomtou_each_round)
{
	expect_tomtou_rounds(_metadata, self, 2, true);
}

/*
 * A read with O_DIRECT, which IMA does not hash, is measured as the
 * global policy measures it: an entry with an all-zero file digest, once
 * for the same name.  The next read that IMA hashes measures the content.
 */
TEST_F(fs, o_direct_read_measured_unhashed)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, NULL, who, true };
	struct view v;
	int fd, i;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	for (i = 0; i < 2; i++) {
		fd = open(self->file, O_RDONLY | O_DIRECT | O_CLOEXEC);
		if (fd < 0 && errno == EINVAL)
			SKIP(return, "%s: no O_DIRECT", variant->name);
		ASSERT_LE(0, fd) {
			TH_LOG("O_DIRECT open of %s: %s", self->file,
			       strerror(errno));
		}
		close(fd);
	}
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	free_view(&v);

	expect_open(_metadata, self->file, 0);
	load_view(_metadata, &who, &v);
	ASSERT_EQ(2, v.l.n);
	w.content = CONTENT_A;
	w.unhashed = false;
	expect_nth(_metadata, &v.l, 1, &w);
	free_view(&v);
}

/*
 * A reader with O_DIRECT is a reader all the same: noted for the ToMToU
 * violation of the next writer, and one that open_writers is recorded
 * for while the file is open for write.
 */
TEST_F(fs, o_direct_reader_violations)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, NULL, who, true };
	char last[2048] = "";
	int fd, wfd, kmsg, kmsg2;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	assert_load(_metadata, self->nsid, measure_rule(self, "", OWNER_M));
	fd = open(self->file, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0 && errno == EINVAL)
		SKIP(return, "%s: no O_DIRECT", variant->name);
	ASSERT_LE(0, fd);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	kmsg2 = kmsg_open();
	ASSERT_LE(0, kmsg2);
	EXPECT_EQ(0, as_host(self->host_ns, open_for_write, self->file));
	close(fd);

	wfd = open(self->file, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wfd);
	fd = open(self->file, O_RDONLY | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	close(fd);
	close(wfd);

	expect_view_then_violations(_metadata, &who, w, 3);
	EXPECT_EQ(1, count_violation_records(kmsg, "ToMToU", self->file,
					     RECORD_WAIT_MS, last,
					     sizeof(last)));
	EXPECT_EQ(1, count_violation_records(kmsg2, "open_writers",
					     self->file, RECORD_WAIT_MS, last,
					     sizeof(last)));
	close(kmsg2);
	close(kmsg);
}

/*
 * A writer that an appraise rule refuses makes a ToMToU violation, and
 * leaves the content and its digest as they were: the next reader is
 * still noted for the next writer, though its access is otherwise the
 * common one with nothing to report.  Two refused writers, two
 * violations.
 */
TEST_F(fs, violation_tomtou_refused_writers)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	char rules[512], last[2048] = "";
	int fd, kmsg, round;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	snprintf(rules, sizeof(rules), "%s",
		 measure_rule(self, "", OWNER_M));
	snprintf(rules + strlen(rules), sizeof(rules) - strlen(rules), "%s",
		 fs_rule_owner(self, "func=FILE_CHECK mask=MAY_WRITE",
			       OWNER_M));
	assert_load(_metadata, self->nsid, rules);
	expect_open(_metadata, self->file, 0);
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	for (round = 0; round < 2; round++) {
		fd = open(self->file, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		EXPECT_EQ(EACCES, open_for_write(self->file));
		close(fd);
	}

	expect_view_then_violations(_metadata, &who, w, 3);
	EXPECT_EQ(2, count_violation_records(kmsg, "ToMToU", self->file,
					     RECORD_WAIT_MS, last,
					     sizeof(last)));
	close(kmsg);
}

/* For a child: opens @path with the effective uid OWNER_M_B; 0 or errno. */
static int open_as_owner_b(const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (setresgid(OWNER_M_B, OWNER_M_B, OWNER_M_B) ||
		    setresuid(OWNER_M_B, OWNER_M_B, OWNER_M_B))
			_exit(100);
		_exit(-try_open(path));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * An access that a policy only audits, done before, does not answer for
 * one that the same policy also measures: here, a read by another user.
 */
TEST_F(fs, audited_reads_do_not_hide_a_measurement)
{
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A, who };
	char rules[512], euid[32];
	struct view v;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	snprintf(rules, sizeof(rules), "%s",
		 fs_rule_action(self, "audit", "func=FILE_CHECK mask=MAY_READ",
				OWNER_M));
	snprintf(euid, sizeof(euid), "euid=%u", OWNER_M_B);
	strncat(rules, measure_rule(self, euid, OWNER_M),
		sizeof(rules) - strlen(rules) - 1);
	assert_load(_metadata, self->nsid, rules);

	/* Audited, then the same access again: nothing left to do. */
	expect_open(_metadata, self->file, 0);
	expect_open(_metadata, self->file, 0);
	load_view(_metadata, &who, &v);
	EXPECT_EQ(0, v.l.n);
	free_view(&v);

	EXPECT_EQ(0, open_as_owner_b(self->file));
	load_view(_metadata, &who, &v);
	ASSERT_EQ(1, v.l.n);
	expect_nth(_metadata, &v.l, 0, &w);
	free_view(&v);
}

/* --- Lifetime ------------------------------------------------------------- */

/*
 * The view of a namespace that is gone, with the copy made from it: its
 * directory and files go, its entries stay in the global list.
 */
TEST_F(fs, view_gone_with_namespace_and_copies)
{
	int rel_ns[2], rel_copy[2], info[2], copy_ready[2], status;
	char dir[64], path[128], link[64], line[512], *before = NULL, *after;
	static const char *const files[] = { ASCII_LIST, BINARY_LIST,
					     INDEX_LIST, MEASURE_LIMIT };
	struct { struct ident who; pid_t copy; int err; } r = { 0 };
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A };
	struct mlist g;
	int i, found, view_fd, limit_fd;
	ssize_t len;
	pid_t pid;
	char c;

	make_test_file(_metadata, self, "file", CONTENT_A, OWNER_M, self->file,
		       sizeof(self->file));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, pipe2(rel_ns, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(rel_copy, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(info, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(copy_ready, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(rel_ns[1]);
		close(rel_copy[1]);
		close(info[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* A sibling of the test's namespace, registered, measuring. */
		r.err = setns(self->host_ns, CLONE_NEWNS) ? 1 : 0;
		if (!r.err) {
			r.who.nsid = enter_registered_ns();
			r.who.id = mnt_ns_id_path("/proc/self/ns/mnt");
			r.err = !r.who.nsid || !r.who.id ? 2 : 0;
		}
		if (!r.err && load_policy(r.who.nsid,
					  measure_rule(self, "", OWNER_M)))
			r.err = 3;
		if (!r.err && try_open(self->file))
			r.err = 4;
		/* A copy of it, in a process of its own. */
		if (!r.err) {
			r.copy = fork();
			if (r.copy == 0) {
				close(copy_ready[0]);
				if (unshare(CLONE_NEWNS) ||
				    write(copy_ready[1], "c", 1) != 1)
					_exit(1);
				_exit(read(rel_copy[0], &c, 1) < 0);
			}
			close(copy_ready[1]);
			if (r.copy < 0 || read(copy_ready[0], &c, 1) != 1)
				r.err = 5;
		}
		if (write(info[1], &r, sizeof(r)) != sizeof(r) || r.err)
			_exit(1);
		_exit(read(rel_ns[0], &c, 1) < 0);
	}
	close(rel_ns[0]);
	close(rel_copy[0]);
	close(info[1]);
	close(copy_ready[0]);
	close(copy_ready[1]);
	ASSERT_EQ(sizeof(r), read(info[0], &r, sizeof(r)));
	ASSERT_EQ(0, r.err);
	w.who = r.who;
	ASSERT_EQ(0, want_line(&w, line, sizeof(line)));
	ns_path(r.who.id, NULL, dir, sizeof(dir));
	snprintf(link, sizeof(link), IMA_DIR "/%u", r.who.nsid);
	ns_path(r.who.id, ASCII_LIST, path, sizeof(path));
	ASSERT_LT(0, read_whole(path, &before));
	EXPECT_EQ(0, strncmp(before, line, strlen(line)));
	view_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, view_fd);
	ns_path(r.who.id, MEASURE_LIMIT, path, sizeof(path));
	limit_fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, limit_fd);

	/* The registered namespace goes; the copy keeps the policy. */
	close(rel_ns[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_TRUE(wait_path(link, false));
	for (i = 0; i < 4; i++) {
		ns_path(r.who.id, files[i], path, sizeof(path));
		EXPECT_EQ(0, access(path, F_OK)) {
			TH_LOG("%s gone with a copy alive", path);
		}
	}

	/* With the copy, the directory and its files go. */
	close(rel_copy[1]);
	ASSERT_EQ(r.copy, waitpid(r.copy, &status, 0));
	EXPECT_TRUE(wait_path(dir, false));
	EXPECT_EQ(-1, access(dir, F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, access(link, F_OK));
	EXPECT_EQ(ENOENT, errno);
	for (i = 0; i < 4; i++) {
		ns_path(r.who.id, files[i], path, sizeof(path));
		EXPECT_EQ(-1, open(path, O_RDONLY | O_CLOEXEC));
		EXPECT_EQ(ENOENT, errno) {
			TH_LOG("opening %s", path);
		}
	}
	/* As the mode file: a write through an open descriptor fails. */
	EXPECT_EQ(-1, write(limit_fd, "5", 1));
	EXPECT_EQ(ENOENT, errno);
	close(limit_fd);
	/* An open view reads as before, or fails with ENOENT: never else. */
	after = calloc(1, 8192);
	ASSERT_NE(NULL, after);
	len = read(view_fd, after, 8191);
	if (len < 0) {
		EXPECT_EQ(ENOENT, errno);
	} else {
		EXPECT_STREQ(before, after);
	}
	close(view_fd);
	free(after);
	free(before);

	/* The global list keeps the entry. */
	load_mlist(_metadata, IMA_DIR, &g);
	for (found = 0, i = 0; i < g.n; i++)
		found += !strcmp(g.line[i], line);
	EXPECT_EQ(1, found) {
		TH_LOG("\"%s\" in the global list %d times", line, found);
	}
	free_mlist(&g);
}

/* --- The global policy and the ima-ns template ------------------------- */

/* A global rule with template=ima-ns: the identity is 0:0. */
TEST_F(ns, global_rule_ima_ns_template_zero_identity)
{
	char rule[128];
	struct want w = { "ima-ns", PCR_DEFAULT, self->file, CONTENT_A,
			  { 0, 0 } };
	struct mlist g;
	int g0;

	ASSERT_EQ(0, make_file(self->file, CONTENT_A, strlen(CONTENT_A),
			       OWNER_M_GLOBAL_NS, 0644));
	snprintf(rule, sizeof(rule),
		 "measure func=FILE_CHECK mask=MAY_READ fowner=%u template=ima-ns\n",
		 OWNER_M_GLOBAL_NS);
	ensure_global_rule(_metadata, rule, OWNER_M_GLOBAL_NS);
	g0 = global_count(_metadata);
	EXPECT_EQ(0, as_host(self->host_ns, open_status, self->file));
	load_mlist(_metadata, IMA_DIR, &g);
	ASSERT_EQ(g0 + 1, g.n);
	expect_nth(_metadata, &g, g0, &w);
	EXPECT_NE(NULL, strstr(g.line[g0], " 0:0")) {
		TH_LOG("%s", g.line[g0]);
	}
	free_mlist(&g);
}

/* --- The grammar of namespace measure rules ------------------------------- */

FIXTURE(bad_template) {
	unsigned int nsid;
};

FIXTURE_VARIANT(bad_template) {
	const char *name;
};

FIXTURE_VARIANT_ADD(bad_template, ima_ng) { "ima-ng" };
FIXTURE_VARIANT_ADD(bad_template, ima_ngv2) { "ima-ngv2" };
FIXTURE_VARIANT_ADD(bad_template, ima_sig) { "ima-sig" };
FIXTURE_VARIANT_ADD(bad_template, ima) { "ima" };
FIXTURE_VARIANT_ADD(bad_template, ima_buf) { "ima-buf" };
FIXTURE_VARIANT_ADD(bad_template, unknown) { "ima-no-such-template" };

FIXTURE_SETUP(bad_template)
{
	self->nsid = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	self->nsid = enter_registered_ns();
	ASSERT_NE(0, self->nsid);
}

FIXTURE_TEARDOWN(bad_template) {}

TEST_F(bad_template, refused_einval)
{
	char rule[128], path[96], buf[1024] = "";
	ssize_t len;

	snprintf(rule, sizeof(rule),
		 "measure func=FILE_CHECK fowner=%u template=%s\n", OWNER_M,
		 variant->name);
	EXPECT_EQ(-EINVAL, load_policy(self->nsid, rule));
	policy_path(self->nsid, path, sizeof(path));
	len = read_file(path, buf, sizeof(buf));
	EXPECT_EQ(0, len) {
		TH_LOG("policy after the refusal: %s", buf);
	}
	/* The template with the mntns field is taken. */
	snprintf(rule, sizeof(rule),
		 "measure func=FILE_CHECK fowner=%u template=ima-ns\n",
		 OWNER_M);
	EXPECT_EQ(0, load_policy(self->nsid, rule));
	len = read_file(path, buf, sizeof(buf));
	EXPECT_LT(0, len);
	EXPECT_TRUE(kmsg_has_field(buf, "template=ima-ns")) {
		TH_LOG("policy: %s", buf);
	}
}

/* --- The view files and measure_limit ------------------------------------ */

/* The files of a policy that come with its first measure rule. */
static const char *const measure_files[] = { MEASURE_LIMIT, ASCII_LIST,
					     BINARY_LIST, INDEX_LIST };

/*
 * Expects "policy" and "mode" of the policy of @nsid and @id, and either
 * none of measure_files[] (@ino NULL) or all of them, measure_limit 0600
 * and the views 0400: their inode numbers go to @ino, or, when it has
 * them already, are expected to be the same.  Through the directory, and
 * through the "<nsid>" link.  @when says at which step, for the log.
 */
static void expect_measure_files(struct __test_metadata *_metadata,
				 unsigned int nsid, unsigned long long id,
				 ino_t *ino, const char *when)
{
	static const char *const always[] = { "policy", "mode" };
	char path[128], link[128];
	struct stat st;
	int i, fd;

	for (i = 0; i < 2; i++) {
		ns_path(id, always[i], path, sizeof(path));
		EXPECT_EQ(0, stat(path, &st)) {
			TH_LOG("%s: %s: %s", when, path, strerror(errno));
		}
	}
	for (i = 0; i < 4; i++) {
		ns_path(id, measure_files[i], path, sizeof(path));
		snprintf(link, sizeof(link), IMA_DIR "/%u/%s", nsid,
			 measure_files[i]);
		if (!ino) {
			EXPECT_EQ(-1, stat(path, &st));
			EXPECT_EQ(ENOENT, errno) {
				TH_LOG("%s: %s is there", when, path);
			}
			fd = open(link, O_RDONLY | O_CLOEXEC);
			EXPECT_EQ(-1, fd);
			EXPECT_EQ(ENOENT, errno) {
				TH_LOG("%s: %s opens", when, link);
			}
			if (fd >= 0)
				close(fd);
			continue;
		}
		ASSERT_EQ(0, stat(path, &st)) {
			TH_LOG("%s: %s: %s", when, path, strerror(errno));
		}
		EXPECT_EQ(i ? 0100400 : 0100600, st.st_mode) {
			TH_LOG("%s: %s: mode %o", when, path, st.st_mode);
		}
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
		if (ino[i]) {
			EXPECT_EQ(ino[i], st.st_ino) {
				TH_LOG("%s: %s made again", when, path);
			}
		} else {
			ino[i] = st.st_ino;
		}
		fd = open(link, O_RDONLY | O_CLOEXEC);
		EXPECT_LE(0, fd) {
			TH_LOG("%s: opening %s: %s", when, link,
			       strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
}

/*
 * measure_limit and the views come with the first batch of the policy
 * that holds a measure or dont_measure rule, and stay: not at
 * registration, nor with appraise and audit rules, nor with a batch that
 * was dropped.
 */
TEST_F(ns, measure_files_made_by_first_measure_batch)
{
	unsigned long long id = mnt_ns_id_fd(self->ns_fd);
	char rules[256], path[128], buf[64];
	ino_t ino[4] = { 0 };
	int fd;

	ASSERT_NE(0, id);
	expect_measure_files(_metadata, self->nsid, id, NULL, "registered");

	snprintf(rules, sizeof(rules),
		 "appraise fsmagic=" TMPFS_MAGIC_STR " fowner=%u\n"
		 "audit func=FILE_CHECK fowner=%u\n", OWNER_M_NONE,
		 OWNER_M_NONE);
	assert_load(_metadata, self->nsid, rules);
	expect_measure_files(_metadata, self->nsid, id, NULL,
			     "appraise and audit rules");

	/* A measure rule in a batch that a bad rule drops. */
	snprintf(rules, sizeof(rules),
		 "measure func=FILE_CHECK fowner=%u\n"
		 "measure func=FILE_CHECK fowner=%u template=ima-ng\n",
		 OWNER_M_NONE, OWNER_M_NONE);
	EXPECT_EQ(-EINVAL, load_policy(self->nsid, rules));
	expect_measure_files(_metadata, self->nsid, id, NULL,
			     "a dropped batch with a measure rule");

	/* A dont_measure rule makes them, as a measure rule would. */
	snprintf(rules, sizeof(rules), "dont_measure fowner=%u\n",
		 OWNER_M_NONE);
	assert_load(_metadata, self->nsid, rules);
	expect_measure_files(_metadata, self->nsid, id, ino,
			     "a dont_measure rule");
	expect_limit(_metadata, id, LIMIT_DEFAULT);
	ns_path(id, ASCII_LIST, path, sizeof(path));
	EXPECT_EQ(0, read_file(path, buf, sizeof(buf)));

	/* A later measure rule leaves them as they are. */
	assert_set_limit(_metadata, id, "9");
	ns_path(id, MEASURE_LIMIT, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("opening %s: %s", path, strerror(errno));
	}
	load_measure_nothing(_metadata, self->nsid);
	expect_measure_files(_metadata, self->nsid, id, ino,
			     "a later measure rule");
	expect_limit(_metadata, id, "9\n");
	/* A descriptor opened before writes to the same file. */
	EXPECT_EQ(1, write(fd, "8", 1)) {
		TH_LOG("writing %s: %s", path, strerror(errno));
	}
	close(fd);
	expect_limit(_metadata, id, "8\n");
}

TEST_F(ns, view_files_attributes)
{
	static const char *const views[] = { ASCII_LIST, BINARY_LIST,
					     INDEX_LIST };
	unsigned long long id = mnt_ns_id_fd(self->ns_fd);
	char path[128], buf[64];
	struct stat st;
	int i, fd;

	ASSERT_NE(0, id);
	load_measure_nothing(_metadata, self->nsid);
	for (i = 0; i < 3; i++) {
		ns_path(id, views[i], path, sizeof(path));
		ASSERT_EQ(0, stat(path, &st)) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
		EXPECT_EQ(0100400, st.st_mode);
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
		/* Nothing measured yet: empty. */
		EXPECT_EQ(0, read_file(path, buf, sizeof(buf)));
		fd = open(path, O_WRONLY | O_CLOEXEC);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EACCES, errno) {
			TH_LOG("%s opened for write", path);
		}
		if (fd >= 0)
			close(fd);
		fd = open(path, O_RDWR | O_CLOEXEC);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EACCES, errno);
		if (fd >= 0)
			close(fd);
	}
	ns_path(id, MEASURE_LIMIT, path, sizeof(path));
	ASSERT_EQ(0, stat(path, &st)) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	EXPECT_EQ(0100600, st.st_mode);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	expect_limit(_metadata, id, LIMIT_DEFAULT);
	/* The same files through the "<nsid>" link. */
	snprintf(path, sizeof(path), IMA_DIR "/%u/" MEASURE_LIMIT, self->nsid);
	EXPECT_EQ(5, read_file(path, buf, sizeof(buf)));
}

TEST_F(ns, measure_limit_accepted_and_audited)
{
	static const struct { const char *in, *shown; unsigned int n; } ok[] = {
		{ "0", "0\n", 0 },
		{ "1048576", "1048576\n", LIMIT_MAX },
		{ "7\n", "7\n", 7 },
		{ "7", "7\n", 7 },
		{ "4096", "4096\n", 4096 },
	};
	struct ident who = test_ident(_metadata, self->nsid, self->ns_fd);
	int i, kmsg;

	load_measure_nothing(_metadata, self->nsid);
	for (i = 0; i < 5; i++) {
		kmsg = kmsg_open();
		ASSERT_LE(0, kmsg);
		assert_set_limit(_metadata, who.id, ok[i].in);
		expect_limit(_metadata, who.id, ok[i].shown);
		EXPECT_EQ(1, count_limit_set_records(kmsg, &who, ok[i].n,
						     RECORD_WAIT_MS)) {
			TH_LOG("writing \"%s\"", ok[i].in);
		}
		close(kmsg);
	}
}

FIXTURE(bad_limit) {
	unsigned long long id;
};

FIXTURE_VARIANT(bad_limit) {
	const char *input;
	size_t len;
};

#define BAD_LIMIT(_name, _input) \
	FIXTURE_VARIANT_ADD(bad_limit, _name) { _input, sizeof(_input) - 1 }

BAD_LIMIT(empty, "");
BAD_LIMIT(newline_only, "\n");
BAD_LIMIT(letters, "abc");
BAD_LIMIT(negative, "-1");
BAD_LIMIT(above_max, "1048577");
BAD_LIMIT(overflow, "4294967296");
BAD_LIMIT(hex, "0x10");
BAD_LIMIT(two_newlines, "1\n\n");
BAD_LIMIT(trailing_space, "1 ");
BAD_LIMIT(leading_space, " 1");
BAD_LIMIT(carriage_return, "1\r\n");
BAD_LIMIT(embedded_nul, "1\0");
BAD_LIMIT(nul_before_newline, "1\0\n");
BAD_LIMIT(two_numbers, "1\n2");

FIXTURE_SETUP(bad_limit)
{
	unsigned int nsid;

	self->id = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	nsid = enter_registered_ns();
	ASSERT_NE(0, nsid);
	self->id = mnt_ns_id_path("/proc/self/ns/mnt");
	ASSERT_NE(0, self->id);
	load_measure_nothing(_metadata, nsid);
}

FIXTURE_TEARDOWN(bad_limit) {}

TEST_F(bad_limit, einval_limit_unchanged)
{
	EXPECT_EQ(-EINVAL, write_limit(self->id, variant->input, variant->len));
	expect_limit(_metadata, self->id, LIMIT_DEFAULT);
	assert_set_limit(_metadata, self->id, "5");
	EXPECT_EQ(-EINVAL, write_limit(self->id, variant->input, variant->len));
	expect_limit(_metadata, self->id, "5\n");
}

TEST_F(ns, measure_limit_write_at_offset_einval)
{
	unsigned long long id = mnt_ns_id_fd(self->ns_fd);
	char path[96];
	int fd;

	load_measure_nothing(_metadata, self->nsid);
	ns_path(id, MEASURE_LIMIT, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("opening %s: %s", path, strerror(errno));
	}
	EXPECT_EQ(-1, pwrite(fd, "7", 1, 1));
	EXPECT_EQ(EINVAL, errno);
	expect_limit(_metadata, id, LIMIT_DEFAULT);
	/* For the offset alone: the same write at 0 is taken. */
	EXPECT_EQ(1, pwrite(fd, "7", 1, 0));
	expect_limit(_metadata, id, "7\n");
	close(fd);
}

enum actor {
	ACTOR_NOBODY,		/* an unprivileged user */
	ACTOR_USERNS_ROOT,	/* root in a user namespace of its own */
	ACTOR_NO_CAP,		/* root without CAP_SYS_ADMIN */
	ACTOR_CONTAINER_ROOT,	/* root of a user and mount namespace */
};

FIXTURE(view_priv) {
	unsigned long long id;
};

FIXTURE_VARIANT(view_priv) {
	enum actor actor;
	int err;
};

/* Modes 0400 and 0600 keep other users from opening the files at all. */
FIXTURE_VARIANT_ADD(view_priv, nobody) { ACTOR_NOBODY, EACCES };
FIXTURE_VARIANT_ADD(view_priv, userns_root) { ACTOR_USERNS_ROOT, EPERM };
FIXTURE_VARIANT_ADD(view_priv, root_without_cap_sys_admin) {
	ACTOR_NO_CAP, EPERM };
FIXTURE_VARIANT_ADD(view_priv, container_root) {
	ACTOR_CONTAINER_ROOT, EPERM };

FIXTURE_SETUP(view_priv)
{
	unsigned int nsid;

	self->id = 0;
	if (!ima_ns_available())
		SKIP(return, "needs CONFIG_IMA_NS and ima_appraise=enforce_ns");
	nsid = enter_registered_ns();
	ASSERT_NE(0, nsid);
	self->id = mnt_ns_id_path("/proc/self/ns/mnt");
	ASSERT_NE(0, self->id);
	load_measure_nothing(_metadata, nsid);
}

FIXTURE_TEARDOWN(view_priv) {}

struct priv_op {
	enum actor actor;
	const char *path;
	int flags;		/* O_WRONLY: write "7"; O_RDONLY: read */
};

static int become(enum actor actor)
{
	switch (actor) {
	case ACTOR_NOBODY:
		return setresuid(65534, 65534, 65534) ? 91 : 0;
	case ACTOR_USERNS_ROOT:
		return unshare(CLONE_NEWUSER) ? 92 : 0;
	case ACTOR_NO_CAP:
		return drop_cap_sys_admin() ? 93 : 0;
	case ACTOR_CONTAINER_ROOT:
		return unshare(CLONE_NEWUSER | CLONE_NEWNS) ? 94 : 0;
	}
	return 95;
}

/* For run_child(): the errno of the actor's open, read or write, or 0. */
static int priv_op(void *data)
{
	const struct priv_op *op = data;
	int err = become(op->actor), fd;
	char buf[64];
	ssize_t ret;

	if (err)
		return err;
	fd = open(op->path, op->flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (op->flags == O_WRONLY)
		ret = write(fd, "7", 1);
	else
		ret = read(fd, buf, sizeof(buf));
	err = ret < 0 ? errno : 0;
	close(fd);
	return err;
}

TEST_F(view_priv, refused)
{
	static const char *const files[] = { ASCII_LIST, BINARY_LIST,
					     INDEX_LIST, MEASURE_LIMIT };
	struct priv_op op = { variant->actor, NULL, O_RDONLY };
	char path[4][96];
	int i;

	for (i = 0; i < 4; i++) {
		ns_path(self->id, files[i], path[i], sizeof(path[i]));
		op.path = path[i];
		EXPECT_EQ(variant->err, run_child(priv_op, &op)) {
			TH_LOG("reading %s", path[i]);
		}
	}
	op.flags = O_WRONLY;
	EXPECT_EQ(variant->err, run_child(priv_op, &op));
	expect_limit(_metadata, self->id, LIMIT_DEFAULT);
}

/* For run_child(): writes "7" to the descriptor as nobody. */
static int write_fd_as_nobody(void *fd)
{
	if (setresuid(65534, 65534, 65534))
		return 100;
	return write(*(int *)fd, "7", 1) < 0 ? errno : 0;
}

/* For run_child(): the same without CAP_SYS_ADMIN. */
static int write_fd_without_cap(void *fd)
{
	if (drop_cap_sys_admin())
		return 100;
	return write(*(int *)fd, "7", 1) < 0 ? errno : 0;
}

TEST_F(ns, measure_limit_passed_fd_eperm)
{
	unsigned long long id = mnt_ns_id_fd(self->ns_fd);
	char path[96];
	int fd;

	load_measure_nothing(_metadata, self->nsid);
	ns_path(id, MEASURE_LIMIT, path, sizeof(path));
	/* A descriptor opened by root is of no use to an unprivileged task. */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("opening %s: %s", path, strerror(errno));
	}
	EXPECT_EQ(EPERM, run_child(write_fd_as_nobody, &fd));
	expect_limit(_metadata, id, LIMIT_DEFAULT);
	EXPECT_EQ(EPERM, run_child(write_fd_without_cap, &fd));
	expect_limit(_metadata, id, LIMIT_DEFAULT);
	/* Root can still write through it. */
	EXPECT_EQ(1, write(fd, "7", 1));
	expect_limit(_metadata, id, "7\n");
	close(fd);
}

TEST_HARNESS_MAIN
