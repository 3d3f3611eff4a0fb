// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: the policy object, its lifetime and evaluation.
 */

#include <linux/mnt_namespace.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ima_ns.h"

DEFINE_STATIC_KEY_FALSE(ima_ns_enabled);
/* Counts the policies in log mode or with audit or measure rules. */
DEFINE_STATIC_KEY_FALSE(ima_ns_trials);
/*
 * Counts the policies with appraise or dont_appraise rules: while none
 * has any, as with policies that only measure, accesses do not look for
 * enforced appraisal in namespace policies.
 */
DEFINE_STATIC_KEY_FALSE(ima_ns_appraisers);

/**
 * ima_ns_policy_free_work - free a policy once no RCU walker can see it
 * @work: &ima_ns_policy.free_work.work
 *
 * Context: Process context, after an RCU grace period.
 */
static void ima_ns_policy_free_work(struct work_struct *work)
{
	struct ima_ns_policy *policy =
		container_of(to_rcu_work(work), struct ima_ns_policy, free_work);

	ima_free_rule_list(&policy->staged);
	ima_free_rule_list(&policy->rules);
	ima_ns_view_free(policy);
	/* The last reference: nobody can change @parent any more. */
	ima_ns_policy_put(rcu_dereference_protected(policy->parent, true));
	if (policy->counts_trials)
		static_branch_dec(&ima_ns_trials);
	if (policy->appraises)
		static_branch_dec(&ima_ns_appraisers);
	kfree(policy);
	static_branch_dec(&ima_ns_enabled);
}

/**
 * ima_ns_policy_alloc - create an empty namespace policy
 *
 * Context: Process context; may sleep.
 * Return:
 * * a policy with one reference and no user	- Success
 * * ERR_PTR(-ENOMEM)				- Out of memory
 */
struct ima_ns_policy *ima_ns_policy_alloc(void)
{
	struct ima_ns_policy *policy;

	might_sleep();
	policy = kzalloc(sizeof(*policy), GFP_KERNEL_ACCOUNT);
	if (!policy)
		return ERR_PTR(-ENOMEM);

	refcount_set(&policy->usage, 1);
	INIT_RCU_WORK(&policy->free_work, ima_ns_policy_free_work);
	INIT_LIST_HEAD(&policy->rules);
	INIT_LIST_HEAD(&policy->staged);
	mutex_init(&policy->lock);
	mutex_init(&policy->gap_lock);
	spin_lock_init(&policy->view_lock);
	INIT_LIST_HEAD(&policy->view);
	policy->measure_limit = IMA_NS_DEFAULT_MEASURE_LIMIT;
	/*
	 * The hooks look for namespace policies while any policy lives, not
	 * only while one is registered: namespaces copied from a registered
	 * one stay governed after it is gone.
	 */
	static_branch_inc(&ima_ns_enabled);
	return policy;
}

/**
 * ima_ns_policy_get - take a reference on a policy
 * @policy: the policy, or NULL
 *
 * Context: Any context.  The caller must already own a reference, or be in
 * an RCU read-side section that found @policy through a live namespace.
 * Return: @policy.
 */
struct ima_ns_policy *ima_ns_policy_get(struct ima_ns_policy *policy)
{
	if (policy)
		refcount_inc(&policy->usage);
	return policy;
}

/**
 * ima_ns_policy_put - drop a reference on a policy
 * @policy: the policy; NULL and error pointers are ignored
 *
 * The last reference queues the policy to be freed after a grace period.
 *
 * Context: Any context.
 */
void ima_ns_policy_put(struct ima_ns_policy *policy)
{
	if (IS_ERR_OR_NULL(policy))
		return;
	if (refcount_dec_and_test(&policy->usage))
		queue_rcu_work(system_wq, &policy->free_work);
}

/**
 * ima_mnt_ns - IMA's part of a mount namespace's LSM blob
 * @ns: the namespace
 *
 * Context: Any context; @ns must be pinned.
 * Return: the blob.
 */
struct ima_mnt_ns *ima_mnt_ns(struct mnt_namespace *ns)
{
	return *mnt_ns_security(ns) + ima_blob_sizes.lbs_mnt_ns;
}

/**
 * ima_ns_current_policy - the innermost policy governing current
 *
 * Context: rcu_read_lock() must be held; the result is valid until it is
 * released.
 * Return: the policy of current's mount namespace, or NULL when current is
 * not governed by any namespace policy.
 */
const struct ima_ns_policy *ima_ns_current_policy(void)
{
	struct nsproxy *nsproxy = current->nsproxy;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "no rcu_read_lock()");
	/* An exiting task has already dropped its namespaces. */
	if (!nsproxy || !nsproxy->mnt_ns)
		return NULL;
	return rcu_dereference(ima_mnt_ns(nsproxy->mnt_ns)->policy);
}

/**
 * ima_ns_policy_walk - step along current's policies, holding each
 * @policy: a policy this walk returned, or NULL to start the walk
 *
 * For walks that may sleep at each policy; the reference on @policy is
 * dropped.  A walk sees the chain as it is at each step: an ancestor
 * registered meanwhile is seen or not, as by RCU walkers.
 *
 * Context: Process context.
 * Return: the innermost policy governing current when @policy is NULL,
 * else the one @policy inherits, with a reference; NULL at the end.
 */
struct ima_ns_policy *ima_ns_policy_walk(struct ima_ns_policy *policy)
{
	struct nsproxy *nsproxy = current->nsproxy;
	struct ima_ns_policy *next = NULL;

	rcu_read_lock();
	if (policy)
		next = rcu_dereference(policy->parent);
	else if (nsproxy && nsproxy->mnt_ns)
		next = rcu_dereference(ima_mnt_ns(nsproxy->mnt_ns)->policy);
	/* Held by @policy, or by current's namespace. */
	ima_ns_policy_get(next);
	rcu_read_unlock();
	ima_ns_policy_put(policy);
	return next;
}

/**
 * __ima_ns_governs_current - whether current's mount namespace has a policy
 *
 * Only the pointer's presence is tested, so no RCU read-side section is
 * needed: current cannot change its own namespaces meanwhile.
 *
 * Context: Any context.
 * Return: true if a namespace policy governs current.
 */
bool __ima_ns_governs_current(void)
{
	struct nsproxy *nsproxy = current->nsproxy;

	return nsproxy && nsproxy->mnt_ns &&
	       rcu_access_pointer(ima_mnt_ns(nsproxy->mnt_ns)->policy);
}

/**
 * ima_ns_merge_algos - intersect two allow-lists of hash algorithms
 * @allowed: the list so far, 0 meaning "any"; updated
 * @more: a further list that must hold too, 0 meaning "any"
 *
 * An empty intersection becomes a set that no algorithm is in, so that
 * the allowed-algorithm check in process_measurement() denies.
 *
 * Context: Any context.
 */
static void ima_ns_merge_algos(unsigned int *allowed, unsigned int more)
{
	if (!more)
		return;
	if (!*allowed)
		*allowed = more;
	else
		*allowed &= more;
	if (!*allowed)
		*allowed = BIT(HASH_ALGO__LAST);
}

/**
 * ima_ns_union_actions - combine what two policies ask of one access
 * @acc: the actions and rule flags of the policies combined so far
 * @more: those of one more policy
 *
 * Actions, sub-actions and tightening rule flags add up.  A relaxing flag
 * (IMA_NS_RELAXING_FLAGS) holds only if every policy that appraises the
 * access grants it: a namespace rule with permit_directio must not let
 * O_DIRECT skip an appraisal that the global policy, or an inherited
 * one, demands without it.
 *
 * Context: Any context.
 * Return: the combined actions and rule flags.
 */
int ima_ns_union_actions(int acc, int more)
{
	int relax = (acc | more) & IMA_NS_RELAXING_FLAGS;

	if (acc & IMA_APPRAISE)
		relax &= acc;
	if (more & IMA_APPRAISE)
		relax &= more;
	return ((acc | more) & ~IMA_NS_RELAXING_FLAGS) | relax;
}

/**
 * ima_ns_match_policy - add what current's namespace policies ask for
 * @idmap: idmap of the mount the inode was found from
 * @inode: the inode being accessed
 * @cred: credentials of the accessing task
 * @secid: LSM secid of the accessing task
 * @func: the IMA hook
 * @mask: the requested access (MAY_READ, MAY_EXEC, ...)
 * @action: what the global policy asks for
 * @allowed_algos: hash algorithm allow-list; narrowed to what every
 *	matching rule allows; may be NULL
 *
 * Evaluates the policy of current's mount namespace and every policy it
 * inherits, each with IMA's first-match rule order, and combines their
 * results with @action by ima_ns_union_actions(), so that a namespace can
 * only add requirements.  Policies in log mode enforce nothing and are
 * left to ima_ns_match_trial().
 *
 * Context: Any context; takes rcu_read_lock().
 * Return: @action combined with the namespace policies' actions,
 * sub-actions and rule flags.
 */
int ima_ns_match_policy(struct mnt_idmap *idmap, struct inode *inode,
			const struct cred *cred, u32 secid,
			enum ima_hooks func, int mask, int action,
			unsigned int *allowed_algos)
{
	const struct ima_ns_policy *policy;

	if (!static_branch_unlikely(&ima_ns_appraisers) || !ima_appraise)
		return action;

	rcu_read_lock();
	for (policy = ima_ns_current_policy(); policy;
	     policy = rcu_dereference(policy->parent)) {
		unsigned int algos = 0;
		int more;

		/* Log mode: see ima_ns_match_trial(). */
		if (READ_ONCE(policy->mode) != IMA_NS_ENFORCE ||
		    !READ_ONCE(policy->appraises))
			continue;
		more = ima_match_rule_list(&policy->rules, idmap, inode, cred,
					   secid, func, mask, IMA_APPRAISE,
					   NULL, NULL, NULL, &algos);
		action = ima_ns_union_actions(action, more);
		if (allowed_algos)
			ima_ns_merge_algos(allowed_algos, algos);
	}
	rcu_read_unlock();
	return action;
}

/**
 * ima_ns_appraise_flags - kernel-read appraisal wanted for current
 *
 * The namespace twin of the IMA_APPRAISE_{MODULES,FIRMWARE,POLICY,KEXEC}
 * bits of ima_appraise, for loads that come without a file.
 *
 * Context: Any context; takes rcu_read_lock().
 * Return: the union of those bits over current's namespace policies in
 * enforce mode.
 */
int ima_ns_appraise_flags(void)
{
	const struct ima_ns_policy *policy;
	int flags = 0;

	if (!static_branch_unlikely(&ima_ns_appraisers))
		return 0;

	rcu_read_lock();
	for (policy = ima_ns_current_policy(); policy;
	     policy = rcu_dereference(policy->parent))
		if (READ_ONCE(policy->mode) == IMA_NS_ENFORCE)
			flags |= READ_ONCE(policy->appraise_flags);
	rcu_read_unlock();
	return flags;
}

/**
 * ima_ns_match_trial - what namespace policies ask beyond what they enforce
 * @idmap: idmap of the mount the inode was found from
 * @inode: the inode being accessed
 * @cred: credentials of the accessing task
 * @secid: LSM secid of the accessing task
 * @func: the IMA hook
 * @mask: the requested access (MAY_READ, MAY_EXEC, ...)
 * @trial: filled in; zeroed by the caller
 *
 * Evaluates the appraise rules of current's policies in log mode, whose
 * failures are reported and not enforced, and the audit and measure rules
 * of all of current's policies.  A policy in enforce mode without audit
 * or measure rules costs three reads.
 *
 * Context: Any context; takes rcu_read_lock().
 */
void ima_ns_match_trial(struct mnt_idmap *idmap, struct inode *inode,
			const struct cred *cred, u32 secid,
			enum ima_hooks func, int mask,
			struct ima_ns_trial *trial)
{
	const struct ima_ns_policy *policy;

	if (!ima_ns_active() || !ima_appraise)
		return;

	rcu_read_lock();
	for (policy = ima_ns_current_policy(); policy;
	     policy = rcu_dereference(policy->parent)) {
		int flags = 0, more;
		unsigned int algos = 0;

		if (READ_ONCE(policy->mode) == IMA_NS_LOG)
			flags |= IMA_APPRAISE;
		if (READ_ONCE(policy->audits))
			flags |= IMA_AUDIT;
		if (READ_ONCE(policy->measures))
			flags |= IMA_MEASURE;
		if (!flags)
			continue;
		more = ima_match_rule_list(&policy->rules, idmap, inode, cred,
					   secid, func, mask, flags, NULL,
					   NULL, NULL, &algos);
		if (!(more & IMA_NS_TRIAL_KINDS))
			continue;
		if (trial->nr_hits < IMA_NS_TRIAL_HITS) {
			trial->hits[trial->nr_hits].id = policy->id;
			trial->hits[trial->nr_hits].kinds =
				more & IMA_NS_TRIAL_KINDS;
			trial->nr_hits++;
		} else {
			trial->more_hits = true;
		}
		trial->action |= more & (IMA_AUDIT | IMA_MEASURE);
		if (!(more & IMA_APPRAISE))
			continue;
		trial->action = ima_ns_union_actions(trial->action,
						     more & ~(IMA_AUDIT |
							      IMA_MEASURE));
		ima_ns_merge_algos(&trial->allowed_algos, algos);
	}
	rcu_read_unlock();
}

/**
 * ima_ns_add_trial - add what log-mode rules ask to the enforced requirements
 * @action: the actions and rule flags of the enforced policies; updated
 * @allowed_algos: the algorithms they allow, 0 for any; updated
 * @trial: what the log-mode policies ask, which appraise the access
 *
 * Context: Any context.
 * Return: true if the log-mode policies add a requirement on how the
 * access is appraised: a tightening rule flag, a relaxing one they
 * withhold, or fewer hash algorithms.
 */
bool ima_ns_add_trial(int *action, unsigned int *allowed_algos,
		      const struct ima_ns_trial *trial)
{
	int both = ima_ns_union_actions(*action, trial->action &
					~(IMA_AUDIT | IMA_MEASURE));
	unsigned int algos = *allowed_algos;
	bool more;

	ima_ns_merge_algos(&algos, trial->allowed_algos);
	more = ((both ^ *action) & IMA_NONACTION_RULE_FLAGS) ||
	       algos != *allowed_algos;
	*action = both;
	*allowed_algos = algos;
	return more;
}

/**
 * ima_ns_count_trials - keep &ima_ns_trials in step with a policy
 * @policy: the policy, whose mode or rules change
 * @trials: whether it is, or is about to be, in log mode or have audit
 *	rules
 *
 * Called before a policy gains log-mode or audit work, and after it loses
 * it, so that no access skips work that a policy has.
 *
 * Context: Process context; @policy->lock held.  Takes the jump label
 * locks, which nest inside it.
 */
void ima_ns_count_trials(struct ima_ns_policy *policy, bool trials)
{
	lockdep_assert_held(&policy->lock);
	if (trials == policy->counts_trials)
		return;
	policy->counts_trials = trials;
	if (trials)
		static_branch_inc(&ima_ns_trials);
	else
		static_branch_dec(&ima_ns_trials);
}

static const char * const ima_ns_mode_names[] = {
	[IMA_NS_ENFORCE] = "enforce",
	[IMA_NS_LOG] = "log",
};

/**
 * ima_ns_mode_name - the name of a namespace policy's mode
 * @mode: an enum ima_ns_mode
 *
 * Context: Any context.
 * Return: "enforce" or "log", as the mode file reads and takes them.
 */
const char *ima_ns_mode_name(enum ima_ns_mode mode)
{
	return ima_ns_mode_names[mode];
}

/**
 * ima_ns_parse_mode - parse what was written to a mode file
 * @buf: the text, NUL-terminated; one trailing newline is allowed
 *
 * Context: Any context.
 * Return: the enum ima_ns_mode named, or -EINVAL.
 */
int ima_ns_parse_mode(const char *buf)
{
	return sysfs_match_string(ima_ns_mode_names, buf);
}

/**
 * ima_ns_set_mode - put a namespace policy in a mode
 * @policy: the policy
 * @mode: the mode
 *
 * Holds from the next access on.  Audited, with the count of failures in
 * log mode not audited again since the previous change of mode.
 *
 * Context: Process context; may sleep.  Takes @policy->lock.
 * Return: 0, or -ENOENT if the policy governs nothing any more.
 */
int ima_ns_set_mode(struct ima_ns_policy *policy, enum ima_ns_mode mode)
{
	char repeats[32];
	bool trials;

	mutex_lock(&policy->lock);
	if (policy->dead) {
		mutex_unlock(&policy->lock);
		return -ENOENT;
	}
	trials = mode == IMA_NS_LOG || policy->audits || policy->measures;
	/* Accesses look for log-mode work before a policy has any. */
	if (trials)
		ima_ns_count_trials(policy, true);
	WRITE_ONCE(policy->mode, mode);
	if (!trials)
		ima_ns_count_trials(policy, false);
	snprintf(repeats, sizeof(repeats), "suppressed=%lld",
		 atomic64_xchg(&policy->log_repeats, 0));
	mutex_unlock(&policy->lock);

	integrity_audit_ns_file_msg(AUDIT_INTEGRITY_STATUS, NULL, NULL,
				    "ns_mode", ima_ns_mode_name(mode), 0,
				    policy->nsid, policy->id, repeats);
	return 0;
}
