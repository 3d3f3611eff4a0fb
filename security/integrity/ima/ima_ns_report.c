// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: reports of failures in log mode and of audit
 * rules, once per (file content, policy).
 */

#include <linux/audit.h>
#include <linux/fs.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "ima_ns.h"

/* What a policy reported of a content: bits of ima_ns_report.kinds. */
#define IMA_NS_REPORTED_FAILURE	BIT(0)
#define IMA_NS_REPORTED_DIGEST	BIT(1)

/* Slots of a first struct ima_ns_reports; it doubles when full. */
#define IMA_NS_REPORTS_FIRST	2

/**
 * struct ima_ns_report - what one namespace policy reported of a content
 * @id: the 64-bit id of the namespace that registered the policy, which
 *	is never reused, so that a policy freed and another made cannot
 *	share an entry
 * @kinds: IMA_NS_REPORTED_FAILURE, IMA_NS_REPORTED_DIGEST
 */
struct ima_ns_report {
	u64 id;
	u8 kinds;
};

/**
 * struct ima_ns_reports - the reports made of an inode's current content
 * @algo: the hash algorithm of @digest
 * @len: the length of @digest in bytes; 0 when no digest was collected
 * @digest: the digest of the content the reports were made of
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
	unsigned int nr;
	unsigned int size;
	struct ima_ns_report ent[] __counted_by(size);
};

/**
 * ima_ns_reports_forget - forget what was reported of an inode's content
 * @iint: the inode's integrity cache
 *
 * Context: Process context, with @iint->mutex held.
 */
void ima_ns_reports_forget(struct ima_iint_cache *iint)
{
	lockdep_assert_held(&iint->mutex);
	if (iint->ns_reports)
		iint->ns_reports->nr = 0;
}

/**
 * ima_ns_reports_free - free the reports of an integrity cache being freed
 * @iint: the integrity cache
 *
 * Context: Any context; nobody else can reach @iint.
 */
void ima_ns_reports_free(struct ima_iint_cache *iint)
{
	kfree(iint->ns_reports);
	iint->ns_reports = NULL;
}

/**
 * ima_ns_reports_of - the reports of an inode's current content
 * @iint: the inode's integrity cache
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 * Return: the reports, emptied if they were of another content, or NULL
 * if there were none and none could be allocated.
 */
static struct ima_ns_reports *ima_ns_reports_of(struct ima_iint_cache *iint)
{
	const struct ima_digest_data *hash = NULL;
	struct ima_ns_reports *r = iint->ns_reports;

	lockdep_assert_held(&iint->mutex);
	if ((iint->flags & IMA_COLLECTED) && iint->ima_hash &&
	    iint->ima_hash->length <= HASH_MAX_DIGESTSIZE)
		hash = iint->ima_hash;
	if (!r) {
		r = kzalloc(struct_size(r, ent, IMA_NS_REPORTS_FIRST),
			    GFP_KERNEL);
		if (!r)
			return NULL;
		r->size = IMA_NS_REPORTS_FIRST;
		iint->ns_reports = r;
	} else if (hash ? r->algo == hash->algo && r->len == hash->length &&
			  !memcmp(r->digest, hash->digest, hash->length) :
			  !r->len) {
		return r;
	}
	r->nr = 0;
	r->algo = hash ? hash->algo : 0;
	r->len = hash ? hash->length : 0;
	if (hash)
		memcpy(r->digest, hash->digest, hash->length);
	return r;
}

/**
 * ima_ns_reported - has a policy reported of an inode's current content?
 * @iint: the inode's integrity cache
 * @id: the policy's &ima_ns_policy.id
 * @kind: IMA_NS_REPORTED_FAILURE or IMA_NS_REPORTED_DIGEST
 *
 * Context: Process context, with @iint->mutex held.
 * Return: true if the policy made a report of @kind of the content whose
 * digest the cache holds.
 */
static bool ima_ns_reported(const struct ima_iint_cache *iint, u64 id,
			    u8 kind)
{
	const struct ima_ns_reports *r = iint->ns_reports;
	const struct ima_digest_data *hash = iint->ima_hash;
	unsigned int i;

	lockdep_assert_held(&iint->mutex);
	if (!r || !hash || !(iint->flags & IMA_COLLECTED) ||
	    r->algo != hash->algo || r->len != hash->length ||
	    memcmp(r->digest, hash->digest, hash->length))
		return false;
	for (i = 0; i < r->nr; i++)
		if (r->ent[i].id == id)
			return r->ent[i].kinds & kind;
	return false;
}

/**
 * ima_ns_first_report - is this a policy's first report of a content?
 * @iint: the inode's integrity cache
 * @policy: the policy that would report
 * @kind: IMA_NS_REPORTED_FAILURE or IMA_NS_REPORTED_DIGEST
 *
 * Records the report.  When the record cannot be kept, for want of
 * memory, the report is made again next time rather than lost.
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 * Return: true if @policy has not made a report of @kind of the inode's
 * current content.
 */
static bool ima_ns_first_report(struct ima_iint_cache *iint,
				const struct ima_ns_policy *policy, u8 kind)
{
	struct ima_ns_reports *r, *bigger;
	unsigned int i;

	lockdep_assert_held(&iint->mutex);
	r = ima_ns_reports_of(iint);
	if (!r)
		return true;
	for (i = 0; i < r->nr; i++) {
		if (r->ent[i].id != policy->id)
			continue;
		if (r->ent[i].kinds & kind)
			return false;
		r->ent[i].kinds |= kind;
		return true;
	}
	if (r->nr == r->size) {
		bigger = krealloc(r, struct_size(r, ent, r->size * 2),
				  GFP_KERNEL);
		if (!bigger)
			return true;
		r = bigger;
		r->size *= 2;
		iint->ns_reports = r;
	}
	r->ent[r->nr].id = policy->id;
	r->ent[r->nr].kinds = kind;
	r->nr++;
	return true;
}

/**
 * ima_ns_unreport - take back the record of a report that was not made
 * @iint: the inode's integrity cache
 * @policy: the policy
 * @kind: the kind of report ima_ns_first_report() recorded
 *
 * Context: Process context, with @iint->mutex held.
 */
static void ima_ns_unreport(struct ima_iint_cache *iint,
			    const struct ima_ns_policy *policy, u8 kind)
{
	struct ima_ns_reports *r = iint->ns_reports;
	unsigned int i;

	lockdep_assert_held(&iint->mutex);
	for (i = 0; r && i < r->nr; i++)
		if (r->ent[i].id == policy->id)
			r->ent[i].kinds &= ~kind;
}

/**
 * ima_ns_report_pending - may a policy of the access have to report?
 * @iint: the inode's integrity cache
 * @trial: the policies whose rules cover the access
 * @failed: whether an appraisal that log mode lets go failed
 *
 * Lets an access whose reports were all made before, the common case,
 * return without walking the policies.
 *
 * Context: Process context, with @iint->mutex held.
 * Return: true if a policy in log mode has a failure to report or count,
 * or a policy with audit rules has not reported the content's digest.
 */
static bool ima_ns_report_pending(const struct ima_iint_cache *iint,
				  const struct ima_ns_trial *trial,
				  bool failed)
{
	const struct ima_ns_trial_hit *hit;

	if (trial->more_hits)
		return true;
	for (hit = trial->hits; hit < trial->hits + trial->nr_hits; hit++) {
		if (failed && (hit->kinds & IMA_APPRAISE))
			return true;
		if ((hit->kinds & IMA_AUDIT) && iint->ima_hash &&
		    (iint->flags & IMA_COLLECTED) &&
		    !ima_ns_reported(iint, hit->id, IMA_NS_REPORTED_DIGEST))
			return true;
	}
	return false;
}

/**
 * struct ima_ns_access - an access, for matching rules again
 * @file: the file accessed
 * @cred: credentials of the accessing task
 * @secid: LSM secid of the accessing task
 * @func: the IMA hook, as ima_ns_match_trial() matched the rules with
 * @mask: the requested access
 */
struct ima_ns_access {
	struct file *file;
	const struct cred *cred;
	u32 secid;
	enum ima_hooks func;
	int mask;
};

/**
 * ima_ns_report_kinds - what a policy has to report of an access
 * @trial: the policies whose rules cover the access
 * @policy: one of current's policies
 * @access: the access, whose rules are matched again for a policy that
 *	@trial has no room for
 * @failed: whether an appraisal that log mode lets go failed
 * @digest: whether the content's digest was collected
 *
 * Context: Process context.
 * Return: IMA_APPRAISE for a failure to report, plus IMA_AUDIT for a
 * digest.
 */
static int ima_ns_report_kinds(const struct ima_ns_trial *trial,
			       const struct ima_ns_policy *policy,
			       const struct ima_ns_access *access,
			       bool failed, bool digest)
{
	int flags = 0, kinds = 0;
	unsigned int i;

	for (i = 0; i < trial->nr_hits; i++)
		if (trial->hits[i].id == policy->id)
			kinds = trial->hits[i].kinds;
	if (!kinds && trial->more_hits) {
		if (READ_ONCE(policy->mode) == IMA_NS_LOG)
			flags |= IMA_APPRAISE;
		if (READ_ONCE(policy->audits))
			flags |= IMA_AUDIT;
		rcu_read_lock();
		if (flags)
			kinds = ima_match_rule_list(&policy->rules,
						    file_mnt_idmap(access->file),
						    file_inode(access->file),
						    access->cred, access->secid,
						    access->func, access->mask,
						    flags, NULL, NULL, NULL,
						    NULL);
		rcu_read_unlock();
	}
	if (!failed)
		kinds &= ~IMA_APPRAISE;
	if (!digest)
		kinds &= ~IMA_AUDIT;
	return kinds & (IMA_APPRAISE | IMA_AUDIT);
}

/**
 * ima_ns_report_emit - make the reports that ima_ns_report() found pending
 * @iint: the inode's integrity cache
 * @pathname: the file's path, or NULL to look it up if needed
 * @trial: the policies whose rules cover the access
 * @access: the access
 * @cause: the cause of a failed appraisal that log mode lets go, or NULL
 *
 * Apart from ima_ns_report(), so that an access with nothing to report
 * does not pay for the path buffer on its stack.
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 */
static noinline void ima_ns_report_emit(struct ima_iint_cache *iint,
					const char *pathname,
					const struct ima_ns_trial *trial,
					const struct ima_ns_access *access,
					const char *cause)
{
	bool digest = (iint->flags & IMA_COLLECTED) && iint->ima_hash;
	struct inode *inode = file_inode(access->file);
	struct ima_ns_policy *policy = NULL;
	char filename[NAME_MAX], *pathbuf = NULL;
	int kinds;

	lockdep_assert_held(&iint->mutex);
	while ((policy = ima_ns_policy_walk(policy))) {
		kinds = ima_ns_report_kinds(trial, policy, access, cause,
					    digest);
		if (!kinds)
			continue;
		if (!pathname)
			pathname = ima_d_path(&access->file->f_path, &pathbuf,
					      filename);

		if (kinds & IMA_APPRAISE) {
			if (ima_ns_first_report(iint, policy,
						IMA_NS_REPORTED_FAILURE))
				integrity_audit_ns_file_msg(AUDIT_INTEGRITY_DATA,
							    inode, pathname,
							    "appraise_data",
							    cause, -EACCES,
							    policy->nsid,
							    policy->id,
							    "permissive=1");
			else
				atomic64_inc(&policy->log_repeats);
		}
		if ((kinds & IMA_AUDIT) &&
		    ima_ns_first_report(iint, policy, IMA_NS_REPORTED_DIGEST) &&
		    ima_audit_digest(iint, pathname, policy->nsid, policy->id))
			/* Not emitted: a later access tries again. */
			ima_ns_unreport(iint, policy, IMA_NS_REPORTED_DIGEST);
	}
	if (pathbuf)
		__putname(pathbuf);
}

/**
 * ima_ns_report - report what namespace policies saw of an access
 * @iint: the inode's integrity cache, with the digest collected if the
 *	collection succeeded
 * @file: the file accessed
 * @pathname: its path, for the records, or NULL to look it up if needed
 * @trial: the policies whose rules cover the access, as
 *	ima_ns_match_trial() found them
 * @cred: credentials of the accessing task
 * @secid: LSM secid of the accessing task
 * @func: the IMA hook of the access, as the rules were matched with
 * @mask: the requested access
 * @cause: the cause of a failed appraisal that the policies in log mode
 *	let go, or NULL
 *
 * Walks current's policies.  Each one in log mode whose appraise rules
 * cover the access reports a failure with an AUDIT_INTEGRITY_DATA record
 * marked permissive=1; each one whose audit rules cover it reports the
 * file's digest with an AUDIT_INTEGRITY_RULE record.  Both name the
 * policy's namespace, and are made once per (content, policy): a failure
 * reported before is counted in the policy's &ima_ns_policy.log_repeats.
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 */
void ima_ns_report(struct ima_iint_cache *iint, struct file *file,
		   const char *pathname, const struct ima_ns_trial *trial,
		   const struct cred *cred, u32 secid, enum ima_hooks func,
		   int mask, const char *cause)
{
	const struct ima_ns_access access = {
		.file = file,
		.cred = cred,
		.secid = secid,
		.func = func,
		.mask = mask,
	};

	lockdep_assert_held(&iint->mutex);
	if (ima_ns_report_pending(iint, trial, !!cause))
		ima_ns_report_emit(iint, pathname, trial, &access, cause);
}
