// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: reports of failures in log mode, of audit rules
 * and of measure rules, once per (file content, policy).
 */

#include <linux/audit.h>
#include <linux/fs.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "ima_ns.h"

/* What a policy reported of a content: bits of ima_ns_report.kinds. */
#define IMA_NS_REPORTED_FAILURE	BIT(0)
#define IMA_NS_REPORTED_DIGEST	BIT(1)
#define IMA_NS_REPORTED_MEASURE	BIT(2)
/* A violation of the measurement by a reader with the file open for write. */
#define IMA_NS_REPORTED_WRITERS	BIT(3)
/*
 * A reader that the policy measures had the file open since the last
 * ToMToU violation: a writer now makes one.  IMA_NS_MAY_EMIT_TOMTOU in
 * &ima_iint_cache.atomic_flags says that an entry has it.
 */
#define IMA_NS_REPORTED_READER	BIT(4)

/* Slots of a first struct ima_ns_reports; it doubles when full. */
#define IMA_NS_REPORTS_FIRST	2

/**
 * ima_ns_reports_forget - forget what was reported of an inode's content
 * @iint: the inode's integrity cache
 *
 * Context: Process context, with @iint->mutex held.
 */
void ima_ns_reports_forget(struct ima_iint_cache *iint)
{
	lockdep_assert_held(&iint->mutex);
	clear_bit(IMA_NS_SETTLED, &iint->atomic_flags);
	if (iint->ns_reports)
		iint->ns_reports->nr = 0;
}

/**
 * ima_ns_writers_closed - the last writer of an inode closed it
 * @iint: the inode's integrity cache
 *
 * The next writer makes a new open_writers violation for each policy that
 * measures a reader meanwhile, as IMA_EMITTED_OPENWRITERS does for the
 * global policy.
 *
 * Context: Process context, with @iint->mutex held.
 */
void ima_ns_writers_closed(struct ima_iint_cache *iint)
{
	struct ima_ns_reports *r = iint->ns_reports;
	unsigned int i;

	lockdep_assert_held(&iint->mutex);
	for (i = 0; r && i < r->nr; i++)
		r->ent[i].kinds &= ~IMA_NS_REPORTED_WRITERS;
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
 * A report with no digest, of content IMA failed to read, does not empty
 * the reports of a content: it is not kept, and made again next time.
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 * Return: the reports, emptied if they were of another content, or NULL
 * if there were none and none could be allocated, or if they are of a
 * content and the cache holds no digest.
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
	} else if (!hash) {
		return r->len ? NULL : r;
	} else if (r->algo == hash->algo && r->len == hash->length &&
		   !memcmp(r->digest, hash->digest, hash->length)) {
		return r;
	}
	clear_bit(IMA_NS_SETTLED, &iint->atomic_flags);
	r->nr = 0;
	r->algo = hash ? hash->algo : 0;
	r->len = hash ? hash->length : 0;
	if (hash)
		memcpy(r->digest, hash->digest, hash->length);
	return r;
}

/**
 * ima_ns_reported - what has a policy reported of an inode's content?
 * @iint: the inode's integrity cache
 * @id: the policy's &ima_ns_policy.id
 *
 * Context: Process context, with @iint->mutex held.
 * Return: the IMA_NS_REPORTED_* bits of the reports the policy made of
 * the content whose digest the cache holds.
 */
static u8 ima_ns_reported(const struct ima_iint_cache *iint, u64 id)
{
	const struct ima_ns_reports *r = iint->ns_reports;
	const struct ima_digest_data *hash = iint->ima_hash;
	unsigned int i;

	lockdep_assert_held(&iint->mutex);
	if (!r || !hash || !(iint->flags & IMA_COLLECTED) ||
	    r->algo != hash->algo || r->len != hash->length ||
	    memcmp(r->digest, hash->digest, hash->length))
		return 0;
	for (i = 0; i < r->nr; i++)
		if (r->ent[i].id == id)
			return r->ent[i].kinds;
	return 0;
}

/**
 * ima_ns_reports_prune - drop the reports of policies that are gone
 * @r: an inode's reports
 *
 * Policy ids are never reused: what a freed policy reported is of no use.
 *
 * Context: Process context, with the inode's &ima_iint_cache.mutex held.
 * Return: true if room was made.
 */
static bool ima_ns_reports_prune(struct ima_ns_reports *r)
{
	struct ima_ns_policy *policy;
	unsigned int i, nr = 0;

	for (i = 0; i < r->nr; i++) {
		policy = ima_ns_lookup_id(r->ent[i].index, r->ent[i].id);
		if (!policy)
			continue;
		ima_ns_policy_put(policy);
		r->ent[nr++] = r->ent[i];
	}
	if (nr == r->nr)
		return false;
	r->nr = nr;
	return true;
}

/**
 * ima_ns_first_report - is this a policy's first report of a content?
 * @iint: the inode's integrity cache
 * @policy: the policy that would report
 * @kind: an IMA_NS_REPORTED_* bit
 *
 * Records the report.  When the record cannot be kept, for want of
 * memory, the report is made again next time rather than lost.  A full
 * record drops the reports of policies that are gone before it grows.
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
	if (r->nr == r->size && !ima_ns_reports_prune(r)) {
		bigger = krealloc(r, struct_size(r, ent, r->size * 2),
				  GFP_KERNEL);
		if (!bigger)
			return true;
		r = bigger;
		r->size *= 2;
		iint->ns_reports = r;
	}
	r->ent[r->nr].id = policy->id;
	r->ent[r->nr].index = policy->index;
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
 * ima_ns_measure_pending - may a policy have to measure an access?
 * @iint: the inode's integrity cache, with the digest collected
 * @id: the policy's &ima_ns_policy.id
 * @file: the file accessed
 *
 * Context: Process context, with @iint->mutex held.
 * Return: true if the policy has not measured the content, or has a
 * violation to record, or a reader to note for the next writer.
 */
static bool ima_ns_measure_pending(const struct ima_iint_cache *iint,
				   u64 id, const struct file *file)
{
	u8 kinds = ima_ns_reported(iint, id);

	if (!(kinds & IMA_NS_REPORTED_MEASURE))
		return true;
	if (file->f_mode & FMODE_WRITE)
		return false;
	return !(kinds & IMA_NS_REPORTED_READER) ||
	       (inode_is_open_for_write(file_inode(file)) &&
		!(kinds & IMA_NS_REPORTED_WRITERS));
}

/**
 * ima_ns_report_pending - may a policy of the access have to report?
 * @iint: the inode's integrity cache
 * @trial: the policies whose rules cover the access
 * @file: the file accessed
 * @failed: whether an appraisal that log mode lets go failed
 * @unhashed: whether IMA could not hash the content, for an O_DIRECT read
 *
 * Lets an access whose reports were all made before, the common case,
 * return without walking the policies.
 *
 * Context: Process context, with @iint->mutex held.
 * Return: true if a policy in log mode has a failure to report or count,
 * or a policy with audit or measure rules has not reported the content's
 * digest, or has a violation to record, or a policy with measure rules
 * has an unhashed read to measure.
 */
static bool ima_ns_report_pending(const struct ima_iint_cache *iint,
				  const struct ima_ns_trial *trial,
				  const struct file *file, bool failed,
				  bool unhashed)
{
	const struct ima_ns_trial_hit *hit;
	bool digest;

	if (trial->more_hits)
		return true;
	digest = iint->ima_hash && (iint->flags & IMA_COLLECTED);
	for (hit = trial->hits; hit < trial->hits + trial->nr_hits; hit++) {
		if (failed && (hit->kinds & IMA_APPRAISE))
			return true;
		if (unhashed && (hit->kinds & IMA_MEASURE))
			return true;
		if (!digest)
			continue;
		if ((hit->kinds & IMA_AUDIT) &&
		    !(ima_ns_reported(iint, hit->id) & IMA_NS_REPORTED_DIGEST))
			return true;
		if ((hit->kinds & IMA_MEASURE) &&
		    ima_ns_measure_pending(iint, hit->id, file))
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
 * @unhashed: IMA could not hash the content, as for an O_DIRECT read:
 *	&ima_iint_cache.ima_hash holds an all-zero digest, not collected
 */
struct ima_ns_access {
	struct file *file;
	const struct cred *cred;
	u32 secid;
	enum ima_hooks func;
	int mask;
	bool unhashed;
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
 * digest, plus IMA_MEASURE for a measurement, of the content or of a read
 * IMA could not hash.
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
		if (READ_ONCE(policy->measures))
			flags |= IMA_MEASURE;
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
		kinds &= ~(access->unhashed ? IMA_AUDIT : IMA_AUDIT | IMA_MEASURE);
	return kinds & IMA_NS_TRIAL_KINDS;
}

/**
 * ima_ns_measure_access - measure an access for a namespace policy
 * @iint: the inode's integrity cache, with the digest collected
 * @pathname: the file's path
 * @policy: the policy, whose measure rules cover the access
 * @access: the access
 *
 * Once per (content, policy): measures the content, and records an
 * open_writers violation for a reader while the file is open for write.
 * A reader is noted for the ToMToU violation of the next writer.  A read
 * that IMA could not hash is measured with an all-zero digest each time,
 * as the global policy does: an identical entry is added once.
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 * Return: 0, or -EDQUOT if the policy is in enforce mode and its entries
 * are at its limit.
 */
static int ima_ns_measure_access(struct ima_iint_cache *iint,
				 const char *pathname,
				 struct ima_ns_policy *policy,
				 const struct ima_ns_access *access)
{
	struct ima_template_desc *template_desc = ima_template_desc_ns();
	struct file *file = access->file;
	struct inode *inode = file_inode(file);
	int pcr = CONFIG_IMA_MEASURE_PCR_IDX;
	int err = 0;

	lockdep_assert_held(&iint->mutex);
	rcu_read_lock();
	ima_match_rule_list(&policy->rules, file_mnt_idmap(file), inode,
			    access->cred, access->secid, access->func,
			    access->mask, IMA_MEASURE, &pcr, &template_desc,
			    NULL, NULL);
	rcu_read_unlock();

	if (!(file->f_mode & FMODE_WRITE)) {
		if (ima_ns_first_report(iint, policy, IMA_NS_REPORTED_READER))
			set_bit(IMA_NS_MAY_EMIT_TOMTOU, &iint->atomic_flags);
		/* At the limit, the gap stands for the violation. */
		if (inode_is_open_for_write(inode) &&
		    ima_ns_first_report(iint, policy, IMA_NS_REPORTED_WRITERS) &&
		    ima_ns_measure(iint, file, pathname, policy,
				   CONFIG_IMA_MEASURE_PCR_IDX, template_desc,
				   "open_writers") == -ENOMEM)
			ima_ns_unreport(iint, policy, IMA_NS_REPORTED_WRITERS);
	}
	if (access->unhashed) {
		/* No content to remember it by: measured each time. */
		err = ima_ns_measure(iint, file, pathname, policy, pcr,
				     template_desc, NULL);
	} else if (ima_ns_first_report(iint, policy,
				       IMA_NS_REPORTED_MEASURE)) {
		err = ima_ns_measure(iint, file, pathname, policy, pcr,
				     template_desc, NULL);
		/* Not added: a later access tries again. */
		if (err)
			ima_ns_unreport(iint, policy, IMA_NS_REPORTED_MEASURE);
	}
	if (err == -EDQUOT && READ_ONCE(policy->mode) == IMA_NS_ENFORCE)
		return err;
	return 0;
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
 * Return: 0, or the error of a measurement that a policy in enforce mode
 * could not add.
 */
static noinline int ima_ns_report_emit(struct ima_iint_cache *iint,
				       const char *pathname,
				       const struct ima_ns_trial *trial,
				       const struct ima_ns_access *access,
				       const char *cause)
{
	bool digest = (iint->flags & IMA_COLLECTED) && iint->ima_hash;
	struct inode *inode = file_inode(access->file);
	struct ima_ns_policy *policy = NULL;
	char filename[NAME_MAX], *pathbuf = NULL;
	int kinds, err, ret = 0;

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
		if (kinds & IMA_MEASURE) {
			err = ima_ns_measure_access(iint, pathname, policy,
						    access);
			if (!ret)
				ret = err;
		}
	}
	if (pathbuf)
		__putname(pathbuf);
	return ret;
}

/**
 * ima_ns_settle - let the next access like this one skip ima_ns_report()
 * @iint: the inode's integrity cache
 * @trial: the policies whose rules cover the access
 * @file: the file accessed
 * @failed: whether an appraisal that log mode lets go failed
 *
 * When one policy measures or audits, and no more, a reader of the
 * content, and has done so for the content, and noted the reader, the
 * next such access has nothing to report: ima_ns_report_settled() tells
 * it so, for an access that asks no more of that policy.
 *
 * Context: Process context, with @iint->mutex held.
 */
static void ima_ns_settle(struct ima_iint_cache *iint,
			  const struct ima_ns_trial *trial,
			  const struct file *file, bool failed)
{
	const struct ima_ns_trial_hit *hit = trial->hits;
	u8 done = 0;

	lockdep_assert_held(&iint->mutex);
	if (failed || trial->nr_hits != 1 ||
	    (hit->kinds & ~(IMA_MEASURE | IMA_AUDIT)) ||
	    (file->f_mode & FMODE_WRITE) || !iint->ns_reports)
		return;
	if (hit->kinds & IMA_MEASURE)
		done |= IMA_NS_REPORTED_MEASURE | IMA_NS_REPORTED_READER;
	if (hit->kinds & IMA_AUDIT)
		done |= IMA_NS_REPORTED_DIGEST;
	if ((ima_ns_reported(iint, hit->id) & done) != done)
		return;
	iint->ns_reports->settled = hit->id;
	iint->ns_reports->settled_kinds = hit->kinds;
	set_bit(IMA_NS_SETTLED, &iint->atomic_flags);
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
 * @unhashed: IMA could not hash the content, as for an O_DIRECT read:
 *	measure rules measure an all-zero digest
 *
 * Walks current's policies.  Each one in log mode whose appraise rules
 * cover the access reports a failure with an AUDIT_INTEGRITY_DATA record
 * marked permissive=1; each one whose audit rules cover it reports the
 * file's digest with an AUDIT_INTEGRITY_RULE record; each one whose
 * measure rules cover it adds a measurement list entry.  All name the
 * policy's namespace, and are made once per (content, policy): a failure
 * reported before is counted in the policy's &ima_ns_policy.log_repeats.
 *
 * Context: Process context, with @iint->mutex held; may sleep.
 * Return: 0, or -EDQUOT if a policy in enforce mode has no room left for
 * the measurement it asks for, which denies the access.
 */
int ima_ns_report(struct ima_iint_cache *iint, struct file *file,
		  const char *pathname, const struct ima_ns_trial *trial,
		  const struct cred *cred, u32 secid, enum ima_hooks func,
		  int mask, const char *cause, bool unhashed)
{
	const struct ima_ns_access access = {
		.file = file,
		.cred = cred,
		.secid = secid,
		.func = func,
		.mask = mask,
		.unhashed = unhashed,
	};

	int err = 0;

	lockdep_assert_held(&iint->mutex);
	if (ima_ns_report_pending(iint, trial, file, !!cause, unhashed))
		err = ima_ns_report_emit(iint, pathname, trial, &access, cause);
	ima_ns_settle(iint, trial, file, !!cause);
	return err;
}

/**
 * ima_ns_emit_tomtou - record the ToMToU violations of a writer
 * @iint: the inode's integrity cache
 * @file: the file being opened for write
 *
 * Each policy that measured a reader of the file since its last ToMToU
 * violation gets one, named by the policy's namespace.
 *
 * Context: Process context; may sleep.  Takes @iint->mutex.
 */
static noinline void ima_ns_emit_tomtou(struct ima_iint_cache *iint,
					struct file *file)
{
	char filename[NAME_MAX], *pathbuf = NULL;
	const char *pathname = NULL;
	struct ima_ns_policy *policy;
	struct ima_ns_reports *r;
	unsigned int i;

	mutex_lock(&iint->mutex);
	if (!test_and_clear_bit(IMA_NS_MAY_EMIT_TOMTOU, &iint->atomic_flags))
		goto out_unlock;
	/* The readers noted are about to be forgotten. */
	clear_bit(IMA_NS_SETTLED, &iint->atomic_flags);
	r = iint->ns_reports;
	for (i = 0; r && i < r->nr; i++) {
		if (!(r->ent[i].kinds & IMA_NS_REPORTED_READER))
			continue;
		r->ent[i].kinds &= ~IMA_NS_REPORTED_READER;
		policy = ima_ns_lookup_id(r->ent[i].index, r->ent[i].id);
		if (!policy)
			continue;
		if (!pathname)
			pathname = ima_d_path(&file->f_path, &pathbuf, filename);
		ima_ns_measure(iint, file, pathname, policy,
			       CONFIG_IMA_MEASURE_PCR_IDX,
			       ima_template_desc_ns(), "ToMToU");
		ima_ns_policy_put(policy);
	}
out_unlock:
	mutex_unlock(&iint->mutex);
	if (pathbuf)
		__putname(pathbuf);
}

/**
 * ima_ns_check_tomtou - a file opened for write may be one a reader measured
 * @file: the file being opened for write, by any task
 *
 * A namespace policy that measured the file for a reader that still has
 * it open cannot vouch for what the reader reads next: it gets a ToMToU
 * violation, as the global policy does.
 *
 * Context: Process context; may sleep.
 */
void ima_ns_check_tomtou(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct ima_iint_cache *iint;

	if (!atomic_read(&inode->i_readcount))
		return;
	iint = ima_iint_find(inode);
	if (iint && test_bit(IMA_NS_MAY_EMIT_TOMTOU, &iint->atomic_flags))
		ima_ns_emit_tomtou(iint, file);
}
