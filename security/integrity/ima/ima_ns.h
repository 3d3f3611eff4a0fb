/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IMA namespace policies: per-mount-namespace appraisal rules.
 */

#ifndef _SECURITY_INTEGRITY_IMA_NS_H
#define _SECURITY_INTEGRITY_IMA_NS_H

#include <linux/jump_label.h>
#include <linux/lsm_hooks.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "ima.h"

/* Most rules one namespace policy may hold, staged ones included. */
#define IMA_NS_MAX_RULES	1024

/*
 * Measurement list entries one namespace policy may add: by default, and
 * at most (see "mntns:<id>/measure_limit").  Gaps, the violations that
 * mark where a policy at its limit refused an entry, come on top: at most
 * one after each slot the policy takes under its limit, and one at the
 * start.
 */
#define IMA_NS_DEFAULT_MEASURE_LIMIT	4096
#define IMA_NS_MAX_MEASURE_LIMIT	1048576

/*
 * Rule flags that relax an appraisal.  When several policies appraise one
 * access, such a flag holds only if every one of them grants it; every
 * other rule flag holds if any of them sets it.
 */
#define IMA_NS_RELAXING_FLAGS	(IMA_PERMIT_DIRECTIO | IMA_MODSIG_ALLOWED)

struct dentry;
struct file;
struct mnt_namespace;

/**
 * enum ima_ns_mode - what a namespace policy does with a failed appraisal
 * @IMA_NS_ENFORCE: deny the access, and audit the denial (the default)
 * @IMA_NS_LOG: audit the failure once per content, and let the access go
 *	ahead, unless the global policy or an enforcing policy the namespace
 *	inherits also appraises it
 */
enum ima_ns_mode {
	IMA_NS_ENFORCE,
	IMA_NS_LOG,
};

/**
 * enum ima_ns_gap - where a namespace policy stands on gaps in its view
 * @IMA_NS_GAP_NONE: no gap since the policy last took a slot: the next
 *	refusal for want of room records one
 * @IMA_NS_GAP_RECORDING: a refusal is recording a gap
 * @IMA_NS_GAP_RECORDED: a gap is recorded, and no slot taken since: later
 *	refusals are covered by it
 */
enum ima_ns_gap {
	IMA_NS_GAP_NONE,
	IMA_NS_GAP_RECORDING,
	IMA_NS_GAP_RECORDED,
};

/**
 * struct ima_ns_policy - the appraisal policy of one mount namespace
 * @usage: references to the object: one from every mount namespace whose
 *	&ima_mnt_ns.policy points here, one from every child policy
 *	(@parent), one from the registry while the policy is listed, one for
 *	every open policy file.
 * @users: how many mount namespaces and child policies this policy
 *	governs through; when it drops to zero the policy governs nothing
 *	and is unlisted.
 * @free_work: frees the policy once @usage hits zero and a grace period
 *	has passed, so that RCU walkers of @rules and @parent are done with
 *	it.  Each policy holds one count of &ima_ns_enabled until freed.
 * @parent: the policy that governed the namespace before it was
 *	registered, or NULL; holds a reference and a user.  Walking @parent
 *	gives the union of inherited policies.  Changed only when an
 *	ancestor namespace is registered later (see ima_ns_register()),
 *	under &ima_ns_tree_lock, to a policy whose own parent is the old
 *	one, so that RCU walkers see either chain.
 * @rules: the rules in force, an RCU list of struct ima_rule_entry.
 *	Rules are only appended (under @lock) and are freed with the policy.
 * @lock: serialises the policy writer; protects @staged, @nr_rules,
 *	@nr_staged, @batch_failed and @dead.  Nests inside &ima_ns_lock.
 * @staged: rules written but not yet committed; committed at close.
 * @nr_rules: number of rules in @rules.
 * @nr_staged: number of rules in @staged.
 * @batch_failed: a write of the current batch failed; drop it at close.
 * @dead: the policy governs nothing any more; writes fail with -ENOENT.
 * @busy: bit 0 is set while the policy file is open for writing.
 * @appraise_flags: IMA_APPRAISE_{MODULES,FIRMWARE,POLICY,KEXEC} wanted by
 *	@rules; read locklessly, written under @lock.
 * @mode: an enum ima_ns_mode; read locklessly by every governed access,
 *	written under @lock.  A change holds from the next access on: no
 *	cached verdict depends on it, as failed appraisals are not cached.
 * @appraises: @rules hold an appraise or dont_appraise rule, and the
 *	policy holds a count of &ima_ns_appraisers; read locklessly, written
 *	under @lock.
 * @audits: @rules hold an audit rule; read locklessly, written under @lock.
 * @measures: @rules hold a measure or dont_measure rule; read locklessly,
 *	written under @lock.
 * @counts_trials: the policy holds a count of &ima_ns_trials, as it is in
 *	log mode or has audit or measure rules; protected by @lock.
 * @log_repeats: failed appraisals in log mode that were not audited, as
 *	their (content, policy) pair had been already, since the last write
 *	of @mode; shown and reset by that write.
 * @gap_lock: serialises the recording of gaps, so that no refusal for
 *	want of room returns before a gap covers it.  Taken with no other
 *	lock of the policy held, inside the inode's &ima_iint_cache.mutex;
 *	nests outside ima_extend_list_mutex and @view_lock.
 * @view_lock: protects @nr_entries, @limit_reported, @gap and the
 *	writers of @view.  Nests inside @lock and @gap_lock.
 * @view: the policy's entries of the global measurement list, an RCU list
 *	of struct ima_ns_view_entry in the list's order.  Only added to,
 *	under @view_lock; freed with the policy, unlike the entries.
 * @nr_entries: the entries the policy added to the global list, or is
 *	adding, gaps aside; at most @measure_limit.
 * @measure_limit: how many entries the policy may add; read locklessly,
 *	written under @lock and @view_lock.
 * @limit_reported: a refusal for want of room was audited since
 *	@measure_limit was last written.
 * @gap: where the policy stands on gaps, the violations that take the
 *	place of the entries it refuses for want of room: an enum
 *	ima_ns_gap.  Moved to %IMA_NS_GAP_RECORDING and from there to
 *	%IMA_NS_GAP_RECORDED under @gap_lock, or back to %IMA_NS_GAP_NONE
 *	if the gap could not be recorded; to %IMA_NS_GAP_NONE when a slot
 *	is taken.
 * @nsid: nsfs inode number of the namespace that registered the policy.
 * @id: 64-bit id of that namespace; never reused, names "mntns:<id>".
 * @index: the policy's slot in the registry, and its files' i_private.
 * @ns_alive: the registering namespace lives, so "<nsid>" names it;
 *	protected by &ima_ns_lock.
 * @dir: securityfs directory "mntns:<id>"; protected by &ima_ns_lock.
 * @measure_files: @dir holds "measure_limit" and the views, made with
 *	the first measure or dont_measure rule; protected by &ima_ns_lock.
 * @link: securityfs symlink "<nsid>" while @ns_alive; protected by
 *	&ima_ns_lock.
 *
 * Lifetime: a policy is created by ima_ns_register() and listed until it
 * governs nothing: until the namespace that registered it, every
 * namespace that inherited it and every child policy are gone.  It is
 * freed after an RCU grace period once the last reference is dropped.
 */
struct ima_ns_policy {
	refcount_t usage;
	atomic_t users;
	struct rcu_work free_work;
	struct ima_ns_policy __rcu *parent;
	struct list_head rules;
	/* Serialises the writer; see the locking rules above. */
	struct mutex lock;
	struct list_head staged;
	unsigned int nr_rules;
	unsigned int nr_staged;
	bool batch_failed;
	bool dead;
	unsigned long busy;
	int appraise_flags;
	u8 mode;
	bool appraises;
	bool audits;
	bool measures;
	bool counts_trials;
	atomic64_t log_repeats;
	/* Serialises the recording of gaps; see the locking rules above. */
	struct mutex gap_lock;
	/* Serialises additions to the view; see the locking rules above. */
	spinlock_t view_lock;
	struct list_head view;
	unsigned int nr_entries;
	unsigned int measure_limit;
	bool limit_reported;
	u8 gap;
	unsigned int nsid;
	u64 id;
	u32 index;
	bool ns_alive;
	struct dentry *dir;
	bool measure_files;
	struct dentry *link;
};

/**
 * struct ima_mnt_ns - IMA's part of a mount namespace's LSM blob
 * @policy: the innermost namespace policy governing the namespace, or
 *	NULL; holds a reference and a user.  Read under RCU; written under
 *	&ima_ns_tree_lock.
 * @registered: the policy this namespace registered, or NULL; written
 *	under &ima_ns_lock and &ima_ns_tree_lock, stable while the
 *	namespace is pinned.
 * @src: the blob of the namespace this one was created from while that
 *	one lives, else of its closest living ancestor, or NULL; protected
 *	by &ima_ns_tree_lock.
 * @children: the blobs whose @src is this one; protected by
 *	&ima_ns_tree_lock.
 * @sibling: entry in @src's @children; protected by &ima_ns_tree_lock.
 * @ns: the mount namespace.
 * @indexed: the namespace is in the index by inode number.
 *
 * Only kept up to date when booted with ima_appraise=enforce_ns.
 */
struct ima_mnt_ns {
	struct ima_ns_policy __rcu *policy;
	struct ima_ns_policy *registered;
	struct ima_mnt_ns *src;
	struct list_head children;
	struct list_head sibling;
	struct mnt_namespace *ns;
	bool indexed;
};

/**
 * struct ima_ns_ref - how a write to "namespaces" names a mount namespace
 * @inum: its nsfs inode number, or 0
 * @id: its 64-bit id ("mntns:<id>"), or 0
 */
struct ima_ns_ref {
	unsigned int inum;
	u64 id;
};

/*
 * A bit of &ima_iint_cache.atomic_flags, after those of ima.h: a reader
 * that a namespace policy measures had the file open, and the next writer
 * makes a ToMToU violation (see ima_ns_check_tomtou()).
 */
#define IMA_NS_MAY_EMIT_TOMTOU	(IMA_WRITE_MAPPED + 1)

/*
 * A bit of &ima_iint_cache.atomic_flags: &ima_ns_reports.settled holds
 * for the content whose digest the cache holds.
 */
#define IMA_NS_SETTLED		(IMA_NS_MAY_EMIT_TOMTOU + 1)

/**
 * struct ima_ns_report - what one namespace policy reported of a content
 * @id: the 64-bit id of the namespace that registered the policy, which
 *	is never reused, so that a policy freed and another made cannot
 *	share an entry
 * @index: the policy's &ima_ns_policy.index, to find it by
 * @kinds: IMA_NS_REPORTED_*
 */
struct ima_ns_report {
	u64 id;
	u32 index;
	u8 kinds;
};

/**
 * struct ima_ns_reports - the reports made of an inode's current content
 * @algo: the hash algorithm of @digest
 * @len: the length of @digest in bytes; 0 when no digest was collected
 * @digest: the digest of the content the reports were made of
 * @settled: the policy that the common access finds done: a reader that
 *	one policy measures or audits, and no more, the content measured and
 *	the reader noted for ToMToU, or its digest audited, as
 *	@settled_kinds says.  Only while IMA_NS_SETTLED is set in
 *	&ima_iint_cache.atomic_flags, which a new digest, a ToMToU
 *	violation and forgetting the reports clear.
 * @settled_kinds: IMA_MEASURE and IMA_AUDIT, what was done for @settled
 * @nr: the entries of @ent in use
 * @size: the entries @ent has room for
 * @ent: one entry per policy that reported
 *
 * Hangs off &ima_iint_cache.ns_reports and is protected by the inode's
 * &ima_iint_cache.mutex.  A content is told by its digest: when the
 * digest collected for the inode is another one, the entries are
 * forgotten.  So are they when security.ima changes, which may change
 * the cause of a failure.  Freed with the integrity cache.  It holds an
 * entry per policy that reported on the inode, 16 bytes each.
 */
struct ima_ns_reports {
	u8 algo;
	u8 len;
	u8 digest[HASH_MAX_DIGESTSIZE];
	u64 settled;
	u8 settled_kinds;
	unsigned int nr;
	unsigned int size;
	struct ima_ns_report ent[] __counted_by(size);
};

/* How many policies an access's struct ima_ns_trial names. */
#define IMA_NS_TRIAL_HITS	4

/* What a policy may report of an access: &ima_ns_trial_hit.kinds. */
#define IMA_NS_TRIAL_KINDS	(IMA_APPRAISE | IMA_AUDIT | IMA_MEASURE)

/**
 * struct ima_ns_trial_hit - a policy whose rules cover an access
 * @id: the policy's &ima_ns_policy.id
 * @kinds: IMA_APPRAISE if it is in log mode and appraises the access,
 *	IMA_AUDIT if it audits it, IMA_MEASURE if it measures it
 */
struct ima_ns_trial_hit {
	u64 id;
	int kinds;
};

/**
 * struct ima_ns_trial - what namespace policies ask of an access beyond
 *	what is enforced
 * @action: the appraise actions and rule flags that the policies in log
 *	mode ask for, combined as by ima_ns_union_actions(), plus IMA_AUDIT
 *	if an audit rule of any namespace policy matches, and IMA_MEASURE if
 *	a measure rule does
 * @allowed_algos: the hash algorithms that every log-mode appraise rule
 *	that matches allows; 0 for any
 * @nr_hits: how many of @hits are set
 * @more_hits: more policies than @hits holds cover the access
 * @hits: the policies that cover the access, innermost first, for
 *	ima_ns_report() to report for without matching their rules again
 */
struct ima_ns_trial {
	int action;
	unsigned int allowed_algos;
	unsigned int nr_hits;
	bool more_hits;
	struct ima_ns_trial_hit hits[IMA_NS_TRIAL_HITS];
};

#ifdef CONFIG_IMA_NS

DECLARE_STATIC_KEY_FALSE(ima_ns_enabled);
DECLARE_STATIC_KEY_FALSE(ima_ns_trials);
DECLARE_STATIC_KEY_FALSE(ima_ns_appraisers);
extern struct mutex ima_ns_lock;

/**
 * ima_ns_active - whether any namespace policy is registered
 *
 * Context: Any context.
 * Return: true once a namespace policy exists, false otherwise.
 */
static inline bool ima_ns_active(void)
{
	return static_branch_unlikely(&ima_ns_enabled);
}

/**
 * ima_ns_trials_active - whether a namespace policy logs or audits
 *
 * While none is in log mode or has audit rules, accesses skip
 * ima_ns_match_trial().
 *
 * Context: Any context.
 * Return: true if a policy is in log mode or has audit rules.
 */
static inline bool ima_ns_trials_active(void)
{
	return static_branch_unlikely(&ima_ns_trials);
}

extern spinlock_t ima_ns_tree_lock;

/* ima_ns_policy.c */
bool __ima_ns_governs_current(void);
struct ima_mnt_ns *ima_mnt_ns(struct mnt_namespace *ns);
struct ima_ns_policy *ima_ns_policy_alloc(void);
struct ima_ns_policy *ima_ns_policy_get(struct ima_ns_policy *policy);
void ima_ns_policy_put(struct ima_ns_policy *policy);
const struct ima_ns_policy *ima_ns_current_policy(void);
int ima_ns_match_policy(struct mnt_idmap *idmap, struct inode *inode,
			const struct cred *cred, u32 secid,
			enum ima_hooks func, int mask, int action,
			unsigned int *allowed_algos);
int ima_ns_appraise_flags(void);
int ima_ns_union_actions(int acc, int more);
void ima_ns_match_trial(struct mnt_idmap *idmap, struct inode *inode,
			const struct cred *cred, u32 secid,
			enum ima_hooks func, int mask,
			struct ima_ns_trial *trial);
bool ima_ns_add_trial(int *action, unsigned int *allowed_algos,
		      const struct ima_ns_trial *trial);
struct ima_ns_policy *ima_ns_policy_walk(struct ima_ns_policy *policy);
const char *ima_ns_mode_name(enum ima_ns_mode mode);
int ima_ns_parse_mode(const char *buf);
int ima_ns_set_mode(struct ima_ns_policy *policy, enum ima_ns_mode mode);
void ima_ns_count_trials(struct ima_ns_policy *policy, bool trials);

/* ima_ns_report.c */
int ima_ns_report(struct ima_iint_cache *iint, struct file *file,
		  const char *pathname, const struct ima_ns_trial *trial,
		  const struct cred *cred, u32 secid, enum ima_hooks func,
		  int mask, const char *cause, bool unhashed);
void ima_ns_reports_forget(struct ima_iint_cache *iint);
void ima_ns_writers_closed(struct ima_iint_cache *iint);
void ima_ns_reports_free(struct ima_iint_cache *iint);
void ima_ns_check_tomtou(struct file *file);

/* ima_ns_measure.c */
int ima_ns_measure(struct ima_iint_cache *iint, struct file *file,
		   const char *pathname, struct ima_ns_policy *policy,
		   int pcr, struct ima_template_desc *template_desc,
		   const char *violation);
int ima_ns_set_measure_limit(struct ima_ns_policy *policy,
			     unsigned int limit);
void ima_ns_view_free(struct ima_ns_policy *policy);
extern const struct file_operations ima_ns_view_binary_fops;
extern const struct file_operations ima_ns_view_ascii_fops;
extern const struct file_operations ima_ns_view_index_fops;

/* ima_ns_registry.c */
int ima_ns_parse_id(const char *buf, size_t len, struct ima_ns_ref *ref);
int ima_ns_register(const struct ima_ns_ref *ref, struct dentry *ima_dir);
struct ima_ns_policy *ima_ns_lookup_file(u32 index,
					 const struct dentry *dentry);
struct ima_ns_policy *ima_ns_lookup_id(u32 index, u64 id);
void ima_ns_show_registered(struct seq_file *m);
void __init ima_ns_init_lsm(const struct lsm_id *lsmid);

/* ima_ns_fs.c */
int __init ima_ns_fs_init(struct dentry *ima_dir);
int ima_ns_fs_create(struct ima_ns_policy *policy, struct dentry *ima_dir);
void ima_ns_fs_unlink(struct ima_ns_policy *policy);
void ima_ns_fs_remove(struct ima_ns_policy *policy);
struct ima_ns_policy *ima_ns_open_dir_file(struct file *file, bool writable);
int ima_ns_fs_add_measurement(struct ima_ns_policy *policy);

#define IMA_NS_BLOB_SIZE	sizeof(struct ima_mnt_ns)

#else /* !CONFIG_IMA_NS */

static inline bool ima_ns_active(void)
{
	return false;
}

static inline bool ima_ns_trials_active(void)
{
	return false;
}

static inline bool __ima_ns_governs_current(void)
{
	return false;
}

static inline int ima_ns_match_policy(struct mnt_idmap *idmap,
				      struct inode *inode,
				      const struct cred *cred, u32 secid,
				      enum ima_hooks func, int mask, int action,
				      unsigned int *allowed_algos)
{
	return action;
}

static inline int ima_ns_appraise_flags(void)
{
	return 0;
}

static inline void ima_ns_match_trial(struct mnt_idmap *idmap,
				      struct inode *inode,
				      const struct cred *cred, u32 secid,
				      enum ima_hooks func, int mask,
				      struct ima_ns_trial *trial)
{
}

static inline bool ima_ns_add_trial(int *action,
				    unsigned int *allowed_algos,
				    const struct ima_ns_trial *trial)
{
	return false;
}

static inline int ima_ns_report(struct ima_iint_cache *iint,
				struct file *file, const char *pathname,
				const struct ima_ns_trial *trial,
				const struct cred *cred, u32 secid,
				enum ima_hooks func, int mask,
				const char *cause, bool unhashed)
{
	return 0;
}

static inline void ima_ns_check_tomtou(struct file *file)
{
}

static inline void ima_ns_reports_forget(struct ima_iint_cache *iint)
{
}

static inline void ima_ns_writers_closed(struct ima_iint_cache *iint)
{
}

static inline void ima_ns_reports_free(struct ima_iint_cache *iint)
{
}

static inline int ima_ns_fs_init(struct dentry *ima_dir)
{
	return 0;
}

static inline void ima_ns_init_lsm(const struct lsm_id *lsmid)
{
}

#define IMA_NS_BLOB_SIZE	0

#endif /* CONFIG_IMA_NS */

/**
 * ima_ns_report_settled - has an access nothing to report?
 * @iint: the inode's integrity cache
 * @trial: the policies whose rules cover the access
 * @file: the file accessed
 *
 * The common access, a reader that one policy measures or audits, whose
 * content it measured or audited already, is told without a call.
 *
 * Context: Process context, with @iint->mutex held.
 * Return: true if the access has nothing to report; false if it may have.
 */
static inline bool ima_ns_report_settled(const struct ima_iint_cache *iint,
					 const struct ima_ns_trial *trial,
					 const struct file *file)
{
	return test_bit(IMA_NS_SETTLED, &iint->atomic_flags) &&
	       trial->nr_hits == 1 &&
	       !(trial->hits[0].kinds & ~iint->ns_reports->settled_kinds) &&
	       iint->ns_reports->settled == trial->hits[0].id &&
	       !(file->f_mode & FMODE_WRITE) &&
	       !inode_is_open_for_write(file_inode(file));
}

/**
 * ima_ns_check_trial_algo - is a digest of an algorithm log-mode rules allow?
 * @algos: the algorithms that the appraise rules of the namespace policies
 *	in log mode allow, with those of the enforced rules; 0 for any
 * @algo: the algorithm of the digest
 * @cause: where the cause of a failure goes, to be reported as not
 *	enforced, rather than audited here
 *
 * Context: Any context.
 * Return: 0, or -EACCES if @algo is not allowed.
 */
static inline int ima_ns_check_trial_algo(unsigned int algos,
					  enum hash_algo algo,
					  const char **cause)
{
	if (!algos || (algos & BIT(algo)))
		return 0;
	*cause = "denied-hash-algorithm";
	return -EACCES;
}

/**
 * ima_any_policy_flag - actions that any policy in force may ask for
 *
 * The twin of ima_policy_flag that also covers namespace policies, whose
 * appraise rules, and audit rules, rest on the cached verdicts and
 * digests.  Hooks that skip work when no policy could apply, and hooks
 * that invalidate cached verdicts, test this instead.
 *
 * Context: Any context.
 * Return: ima_policy_flag, plus IMA_APPRAISE while a namespace policy exists.
 */
static inline int ima_any_policy_flag(void)
{
	return ima_policy_flag | (ima_ns_active() ? IMA_APPRAISE : 0);
}

/**
 * ima_ns_governs_current - whether a namespace policy governs current
 *
 * Lets the open path of a task that no policy governs return as early as
 * it does without namespace policies, however many other namespaces are
 * registered.
 *
 * Context: Any context.
 * Return: true if current's mount namespace has a policy.
 */
static inline bool ima_ns_governs_current(void)
{
	return ima_ns_active() && __ima_ns_governs_current();
}

#endif /* _SECURITY_INTEGRITY_IMA_NS_H */
