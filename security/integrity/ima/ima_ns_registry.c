// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: registration, inheritance and teardown.
 */

#include <linux/ima.h>
#include <linux/mnt_namespace.h>
#include <linux/nsproxy.h>
#include <linux/seq_file.h>
#include <linux/xarray.h>

#include "ima_ns.h"

/*
 * ima_ns_lock serialises registration and teardown.  It protects
 * &ima_ns_registry updates, the ima_policy pointer of every published mount
 * namespace, and the @ns, @dir and @policy_file fields of every policy.
 * It nests outside &ima_ns_policy.lock and the securityfs inode locks, and
 * is never taken with namespace_sem or mnt_ns_tree_lock held.
 */
DEFINE_MUTEX(ima_ns_lock);

/*
 * Registered policies, indexed by nsid, so that the namespaces file lists
 * them in ascending order and policy files find their policy.  Written
 * under ima_ns_lock; read under RCU or ima_ns_lock.
 */
static DEFINE_XARRAY(ima_ns_registry);

/**
 * ima_ns_parse_id - parse a mount namespace id written to "namespaces"
 * @buf: the bytes written, NUL-terminated at @len
 * @len: number of bytes written
 * @nsid: the id, on success
 *
 * Accepts decimal digits with an optional trailing newline: no sign, no
 * leading zero, no white space, no embedded NUL.
 *
 * Context: Any context.
 * Return:
 * * 0		- Success
 * * -EINVAL	- Malformed, zero, or larger than UINT_MAX
 */
int ima_ns_parse_id(const char *buf, size_t len, unsigned int *nsid)
{
	char digits[11];
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(digits) || buf[0] == '0')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!isdigit(buf[i]))
			return -EINVAL;
		digits[i] = buf[i];
	}
	digits[len] = '\0';
	return kstrtouint(digits, 10, nsid) ? -EINVAL : 0;
}

/**
 * ima_ns_register - give a mount namespace a policy of its own
 * @nsid: inode number of the namespace
 * @ima_dir: the securityfs "ima" directory
 *
 * The namespace is looked up among live mount namespaces and pinned while
 * it is registered, so that it cannot die half-way.  Its new policy
 * inherits the policy it was governed by so far.
 *
 * Context: Process context; may sleep.  Takes ima_ns_lock.
 * Return:
 * * 0			- Success; "<nsid>/policy" exists
 * * -EOPNOTSUPP	- Not booted with ima_appraise=enforce_ns
 * * -ENOENT		- No live mount namespace has that id
 * * -EINVAL		- @nsid is the initial mount namespace
 * * -EEXIST		- The namespace is registered already
 * * -ENOMEM		- Out of memory
 */
int ima_ns_register(unsigned int nsid, struct dentry *ima_dir)
{
	struct ima_ns_policy __rcu **slot;
	struct ima_ns_policy *policy, *old;
	struct mnt_namespace *ns;
	int err;

	might_sleep();
	if (!(ima_appraise & IMA_APPRAISE_NS)) {
		pr_warn_once("namespace policies need the ima_appraise=enforce_ns boot parameter\n");
		return -EOPNOTSUPP;
	}

	ns = get_mnt_ns_by_inum(nsid);
	if (!ns)
		return -ENOENT;
	if (ns == init_nsproxy.mnt_ns) {
		err = -EINVAL;
		goto out_put_ns;
	}

	policy = ima_ns_policy_alloc(nsid);
	if (IS_ERR(policy)) {
		err = PTR_ERR(policy);
		goto out_put_ns;
	}

	mutex_lock(&ima_ns_lock);
	slot = mnt_ns_ima_policy(ns);
	old = rcu_dereference_protected(*slot, lockdep_is_held(&ima_ns_lock));
	if (old && old->ns == ns) {
		err = -EEXIST;
		goto out_unlock;
	}

	policy->dir = ima_ns_fs_create(policy, ima_dir, &policy->policy_file);
	if (IS_ERR(policy->dir)) {
		err = PTR_ERR(policy->dir);
		goto out_unlock;
	}
	err = xa_insert(&ima_ns_registry, nsid, policy, GFP_KERNEL);
	if (err) {
		/* -EBUSY: the id is taken, which a live namespace rules out. */
		err = err == -EBUSY ? -EEXIST : err;
		goto out_remove_files;
	}

	/* The namespace's reference on @old now belongs to @policy. */
	policy->parent = old;
	policy->ns = ns;
	rcu_assign_pointer(*slot, policy);
	mutex_unlock(&ima_ns_lock);

	integrity_audit_ns_msg(AUDIT_INTEGRITY_STATUS, "ns_register",
			       "registered", 0, nsid);
	put_mnt_ns(ns);
	return 0;

out_remove_files:
	ima_ns_fs_remove(policy->dir);
out_unlock:
	mutex_unlock(&ima_ns_lock);
	ima_ns_policy_put(policy);
out_put_ns:
	put_mnt_ns(ns);
	return err;
}

/**
 * ima_ns_unregister - tear down the policy a dying namespace registered
 * @policy: the policy
 *
 * Removes "<nsid>/" so that a namespace which later reuses the inode
 * number finds nothing, and marks the policy dead for open policy files.
 * Descendant namespaces keep the policy in force through their references.
 *
 * Context: Process context; may sleep.  ima_ns_lock must be held.
 */
static void ima_ns_unregister(struct ima_ns_policy *policy)
{
	lockdep_assert_held(&ima_ns_lock);

	xa_erase(&ima_ns_registry, policy->nsid);
	ima_ns_fs_remove(policy->dir);
	policy->dir = NULL;
	policy->policy_file = NULL;
	policy->ns = NULL;

	mutex_lock(&policy->lock);
	policy->dead = true;
	mutex_unlock(&policy->lock);

	integrity_audit_ns_msg(AUDIT_INTEGRITY_STATUS, "ns_unregister",
			       "namespace-freed", 0, policy->nsid);
}

/**
 * ima_mnt_ns_copy - a new mount namespace inherits its source's policy
 * @new_ns: the namespace being created, not yet visible to anyone
 * @old_ns: the namespace it is copied from
 *
 * This is what keeps "unshare -m" from escaping a policy.
 *
 * Context: Process context, with namespace_sem held; does not sleep.
 */
void ima_mnt_ns_copy(struct mnt_namespace *new_ns,
		     struct mnt_namespace *old_ns)
{
	struct ima_ns_policy *policy;

	rcu_read_lock();
	/* @old_ns is pinned, so its reference keeps the policy alive. */
	policy = rcu_dereference(*mnt_ns_ima_policy(old_ns));
	ima_ns_policy_get(policy);
	rcu_read_unlock();
	RCU_INIT_POINTER(*mnt_ns_ima_policy(new_ns), policy);
}

/**
 * ima_mnt_ns_free - a mount namespace is being freed
 * @ns: the namespace; no task uses it any more
 *
 * Drops the namespace's policy reference and, when the namespace registered
 * that policy, unregisters it.  Called before the inode number is released.
 *
 * Context: Process context; may sleep when @ns has a policy.
 */
void ima_mnt_ns_free(struct mnt_namespace *ns)
{
	struct ima_ns_policy __rcu **slot = mnt_ns_ima_policy(ns);
	struct ima_ns_policy *policy;

	if (!rcu_access_pointer(*slot))
		return;

	mutex_lock(&ima_ns_lock);
	policy = rcu_dereference_protected(*slot, lockdep_is_held(&ima_ns_lock));
	RCU_INIT_POINTER(*slot, NULL);
	if (policy->ns == ns)
		ima_ns_unregister(policy);
	mutex_unlock(&ima_ns_lock);

	ima_ns_policy_put(policy);
}

/**
 * ima_ns_lookup_file - find the policy behind an opened policy file
 * @nsid: the nsid the file was created for
 * @dentry: the file's dentry
 *
 * A policy file that was opened just as its namespace died must not reach
 * a policy registered later under the same, reused, nsid: the dentry must
 * still be the policy's own.
 *
 * Context: Process context; takes ima_ns_lock.
 * Return: the policy with a new reference, or NULL if it is gone.
 */
struct ima_ns_policy *ima_ns_lookup_file(unsigned int nsid,
					 const struct dentry *dentry)
{
	struct ima_ns_policy *policy;

	mutex_lock(&ima_ns_lock);
	policy = xa_load(&ima_ns_registry, nsid);
	if (policy && policy->policy_file == dentry)
		ima_ns_policy_get(policy);
	else
		policy = NULL;
	mutex_unlock(&ima_ns_lock);
	return policy;
}

/**
 * ima_ns_show_registered - list the registered nsids, one per line
 * @m: the seq_file of the "namespaces" file
 *
 * Context: Process context; takes rcu_read_lock() per entry.
 */
void ima_ns_show_registered(struct seq_file *m)
{
	struct ima_ns_policy *policy;
	unsigned long nsid;

	xa_for_each(&ima_ns_registry, nsid, policy)
		seq_printf(m, "%lu\n", nsid);
}

/**
 * ima_ns_audit_id - the namespace id to put in current's audit records
 *
 * Context: Any context.
 * Return: the nsid of the innermost policy governing current, or 0 when
 * current is governed by the global policy only.
 */
unsigned int ima_ns_audit_id(void)
{
	const struct ima_ns_policy *policy;
	unsigned int nsid = 0;

	if (!ima_ns_active())
		return 0;
	rcu_read_lock();
	policy = ima_ns_current_policy();
	if (policy)
		nsid = policy->nsid;
	rcu_read_unlock();
	return nsid;
}
