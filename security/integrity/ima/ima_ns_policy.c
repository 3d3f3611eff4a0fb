// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: the policy object, its lifetime and evaluation.
 */

#include <linux/mnt_namespace.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "ima_ns.h"

DEFINE_STATIC_KEY_FALSE(ima_ns_enabled);

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
	/* The last reference: nobody can change @parent any more. */
	ima_ns_policy_put(rcu_dereference_protected(policy->parent, true));
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
 * only add requirements.
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

	if (!ima_ns_active() || !ima_appraise)
		return action;

	rcu_read_lock();
	for (policy = ima_ns_current_policy(); policy;
	     policy = rcu_dereference(policy->parent)) {
		unsigned int algos = 0;
		int more;

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
 * Return: the union of those bits over current's namespace policies.
 */
int ima_ns_appraise_flags(void)
{
	const struct ima_ns_policy *policy;
	int flags = 0;

	if (!ima_ns_active())
		return 0;

	rcu_read_lock();
	for (policy = ima_ns_current_policy(); policy;
	     policy = rcu_dereference(policy->parent))
		flags |= READ_ONCE(policy->appraise_flags);
	rcu_read_unlock();
	return flags;
}
