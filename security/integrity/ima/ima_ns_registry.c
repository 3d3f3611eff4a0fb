// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: registration, inheritance, setns() and teardown.
 */

#include <linux/capability.h>
#include <linux/ima.h>
#include <linux/mnt_namespace.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/seq_file.h>
#include <linux/xarray.h>

#include "ima_ns.h"

/*
 * ima_ns_lock serialises registration and the unlisting of policies.  It
 * protects &ima_ns_registry updates and the @ns_alive, @dir,
 * @measure_files and @link fields of every policy.  It nests outside &ima_ns_tree_lock,
 * &ima_ns_policy.lock and the securityfs inode locks, and is never taken
 * with namespace_sem or mnt_ns_tree_lock held.  A mount namespace being
 * freed takes it only if it registered a policy or drops a policy's last
 * user, never for an inherited reference.
 */
DEFINE_MUTEX(ima_ns_lock);

/*
 * ima_ns_tree_lock protects the tree of &ima_mnt_ns.src links and the
 * publication of &ima_mnt_ns.policy and &ima_ns_policy.parent.  It is a
 * spinlock taken for list operations and pointer swaps only, inside
 * &ima_ns_lock.
 */
DEFINE_SPINLOCK(ima_ns_tree_lock);

/*
 * Policies in force, indexed by &ima_ns_policy.index in registration
 * order, so that "namespaces" lists them and policy files find theirs.
 * Written under ima_ns_lock; read under RCU or ima_ns_lock.  Indexes are
 * handed out cyclically from ima_ns_registry_next (under ima_ns_lock), so
 * that order holds until they wrap, and a policy file opened just as its
 * policy went finds nothing, or another policy whose dentry is not its own.
 */
static DEFINE_XARRAY_ALLOC(ima_ns_registry);
static u32 ima_ns_registry_next;

/*
 * Live mount namespaces by nsfs inode number, kept while booted with
 * enforce_ns, so that registration by inode number is O(log n).  An
 * entry goes before the inode number can be reused; lookups take an
 * active reference under the xarray's lock, which erasure also takes.
 */
static DEFINE_XARRAY(ima_ns_by_inum);

/* "mntns:" and a decimal 64-bit id: the form that names no inode number. */
#define IMA_NS_ID_PREFIX	"mntns:"

/**
 * ima_ns_parse_id - parse a mount namespace reference written to "namespaces"
 * @buf: the bytes written, NUL-terminated at @len
 * @len: number of bytes written
 * @ref: the reference, on success
 *
 * Accepts a decimal nsfs inode number, or "mntns:" and a decimal 64-bit
 * mount namespace id, with an optional trailing newline: no sign, no
 * leading zero, no white space, no embedded NUL.
 *
 * Context: Any context.
 * Return:
 * * 0		- Success
 * * -EINVAL	- Malformed, zero, or out of range
 */
int ima_ns_parse_id(const char *buf, size_t len, struct ima_ns_ref *ref)
{
	size_t plen = strlen(IMA_NS_ID_PREFIX);
	bool is_id = false;
	char digits[21];
	size_t i;
	u64 val;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len > plen && !strncmp(buf, IMA_NS_ID_PREFIX, plen)) {
		is_id = true;
		buf += plen;
		len -= plen;
	}
	if (!len || len >= sizeof(digits) || buf[0] == '0')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!isdigit(buf[i]))
			return -EINVAL;
		digits[i] = buf[i];
	}
	digits[len] = '\0';
	if (kstrtou64(digits, 10, &val))
		return -EINVAL;
	if (!is_id && val > UINT_MAX)
		return -EINVAL;
	ref->id = is_id ? val : 0;
	ref->inum = is_id ? 0 : val;
	return 0;
}

/**
 * ima_ns_get_by_ref - find a live mount namespace
 * @ref: its inode number or 64-bit id
 *
 * An inode number is turned into the id through IMA's index, and the
 * namespace is then taken from the kernel's tree of mount namespaces,
 * which holds only namespaces whose creation has completed: one that
 * copy_mnt_ns() is still building, and may yet free, is not found.
 *
 * Context: Process context.
 * Return: the namespace with an active reference, or NULL.
 */
static struct mnt_namespace *ima_ns_get_by_ref(const struct ima_ns_ref *ref)
{
	struct ima_mnt_ns *blob;
	u64 id = ref->id;

	if (!id) {
		/* The entry goes before the namespace is freed. */
		xa_lock(&ima_ns_by_inum);
		blob = xa_load(&ima_ns_by_inum, ref->inum);
		if (blob)
			id = mnt_ns_id(blob->ns);
		xa_unlock(&ima_ns_by_inum);
	}
	return id ? get_mnt_ns_by_id(id) : NULL;
}

/**
 * ima_ns_use - add a user to a policy
 * @policy: the policy, or NULL
 *
 * Context: Any context; the caller holds a user or &ima_ns_tree_lock
 * with @policy reachable from a live namespace.
 * Return: @policy.
 */
static struct ima_ns_policy *ima_ns_use(struct ima_ns_policy *policy)
{
	if (policy) {
		ima_ns_policy_get(policy);
		atomic_inc(&policy->users);
	}
	return policy;
}

/**
 * ima_ns_unlist - remove a policy that governs nothing any more
 * @policy: the policy; its users are gone
 *
 * Context: Process context; ima_ns_lock held.
 */
static void ima_ns_unlist(struct ima_ns_policy *policy)
{
	lockdep_assert_held(&ima_ns_lock);

	xa_erase(&ima_ns_registry, policy->index);
	ima_ns_fs_remove(policy);
	mutex_lock(&policy->lock);
	policy->dead = true;
	mutex_unlock(&policy->lock);
	/* The registry's reference; the caller holds another. */
	ima_ns_policy_put(policy);
}

/**
 * ima_ns_unuse - drop a user of a policy, and unlist it with the last one
 * @policy: the policy, or NULL
 *
 * A policy that governs nothing is unlisted and drops the user it holds
 * on its parent, which may then govern nothing either.  ima_ns_lock is
 * only taken for a last user.
 *
 * Context: Process context; may sleep.  ima_ns_lock must not be held.
 */
static void ima_ns_unuse(struct ima_ns_policy *policy)
{
	struct ima_ns_policy *parent;

	while (policy) {
		if (!atomic_dec_and_mutex_lock(&policy->users, &ima_ns_lock)) {
			ima_ns_policy_put(policy);
			return;
		}
		ima_ns_unlist(policy);
		mutex_unlock(&ima_ns_lock);

		integrity_audit_ns_msg(AUDIT_INTEGRITY_STATUS, "ns_unregister",
				       "namespace-freed", 0, policy->nsid,
				       policy->id);
		/*
		 * Now drop the user @policy held on its parent.  The
		 * reference goes when @policy is freed; take one for the
		 * loop to drop, before @policy can be.
		 */
		parent = rcu_dereference_protected(policy->parent, true);
		ima_ns_policy_get(parent);
		ima_ns_policy_put(policy);
		policy = parent;
	}
}

/**
 * ima_ns_next_descendant - pre-order walk of a namespace's descendants
 * @pos: the current blob
 * @root: the blob whose descendants are walked
 *
 * O(n) in the number of descendants, under a spinlock: a tenant that
 * makes many copies slows the registration of its own namespace only.
 *
 * Context: ima_ns_tree_lock held.
 * Return: the next blob, or NULL at the end.
 */
static struct ima_mnt_ns *ima_ns_next_descendant(struct ima_mnt_ns *pos,
						 struct ima_mnt_ns *root)
{
	lockdep_assert_held(&ima_ns_tree_lock);

	if (!list_empty(&pos->children))
		return list_first_entry(&pos->children, struct ima_mnt_ns,
					sibling);
	while (pos != root) {
		if (!list_is_last(&pos->sibling, &pos->src->children))
			return list_next_entry(pos, sibling);
		pos = pos->src;
	}
	return NULL;
}

/**
 * ima_ns_drop_old - drop a user and a reference that @new took over
 * @old: the policy that was pointed to, or NULL
 *
 * The new policy's parent holds @old, so this is never its last user.
 *
 * Context: ima_ns_tree_lock held.
 */
static void ima_ns_drop_old(struct ima_ns_policy *old)
{
	if (old) {
		atomic_dec(&old->users);
		ima_ns_policy_put(old);
	}
}

/**
 * ima_ns_adopt_descendants - extend a new policy to existing descendants
 * @root: the blob of the namespace that registered @policy
 * @old: the policy that governed it before
 * @policy: the new policy, whose parent is @old
 *
 * A namespace copied from @root before the registration, even one whose
 * copy raced with it, is governed as if copied after.  Every descendant's
 * chain is @old preceded by policies registered below @root, some perhaps
 * by namespaces that are gone: a pointer to @old becomes one to @policy,
 * and the last of those policies gets @policy as parent instead of @old.
 * Either way the chain only grows, so RCU walkers see the old chain or
 * the new one.  A chain that already reaches @policy is done.
 *
 * Context: ima_ns_lock and ima_ns_tree_lock held.
 */
static void ima_ns_adopt_descendants(struct ima_mnt_ns *root,
				     struct ima_ns_policy *old,
				     struct ima_ns_policy *policy)
{
	struct ima_ns_policy *cur, *parent;
	struct ima_mnt_ns *pos = root;

	lockdep_assert_held(&ima_ns_lock);
	lockdep_assert_held(&ima_ns_tree_lock);

	while ((pos = ima_ns_next_descendant(pos, root))) {
		cur = rcu_dereference_protected(pos->policy, true);
		if (cur == old) {
			rcu_assign_pointer(pos->policy, ima_ns_use(policy));
			ima_ns_drop_old(old);
			continue;
		}
		for (; cur && cur != policy; cur = parent) {
			parent = rcu_dereference_protected(cur->parent, true);
			if (parent == old) {
				rcu_assign_pointer(cur->parent,
						   ima_ns_use(policy));
				ima_ns_drop_old(old);
				break;
			}
		}
	}
}

/**
 * ima_ns_register - give a mount namespace a policy of its own
 * @ref: the namespace's inode number or 64-bit id
 * @ima_dir: the securityfs "ima" directory
 *
 * The namespace is looked up among live mount namespaces and pinned while
 * it is registered.  Its new policy inherits the policy it was governed by
 * so far, and extends to every namespace already copied from it.
 *
 * Context: Process context; may sleep.  Takes ima_ns_lock.
 * Return:
 * * 0			- Success; "mntns:<id>/policy" and "<nsid>" exist
 * * -EOPNOTSUPP	- Not booted with ima_appraise=enforce_ns
 * * -ENOENT		- No live mount namespace has that id
 * * -EINVAL		- It is the initial mount namespace
 * * -EEXIST		- The namespace is registered already
 * * -ENOMEM		- Out of memory
 */
int ima_ns_register(const struct ima_ns_ref *ref, struct dentry *ima_dir)
{
	struct ima_ns_policy *policy, *old;
	struct mnt_namespace *ns;
	struct ima_mnt_ns *blob;
	int err;

	might_sleep();
	if (!(ima_appraise & IMA_APPRAISE_NS)) {
		pr_warn_once("namespace policies need the ima_appraise=enforce_ns boot parameter\n");
		return -EOPNOTSUPP;
	}

	/*
	 * It predates the boot parameter, so it is not in the index, as are
	 * the namespaces kernel threads made before it (those can be
	 * registered by id).
	 */
	if (ref->inum == from_mnt_ns(init_nsproxy.mnt_ns)->inum ||
	    (ref->id && ref->id == mnt_ns_id(init_nsproxy.mnt_ns)))
		return -EINVAL;
	ns = ima_ns_get_by_ref(ref);
	if (!ns)
		return -ENOENT;
	if (ns == init_nsproxy.mnt_ns) {
		err = -EINVAL;
		goto out_put_ns;
	}
	blob = ima_mnt_ns(ns);

	policy = ima_ns_policy_alloc();
	if (IS_ERR(policy)) {
		err = PTR_ERR(policy);
		goto out_put_ns;
	}
	policy->nsid = from_mnt_ns(ns)->inum;
	policy->id = mnt_ns_id(ns);
	policy->ns_alive = true;

	mutex_lock(&ima_ns_lock);
	if (blob->registered) {
		err = -EEXIST;
		goto out_unlock;
	}
	/* The registry's reference. */
	err = xa_alloc_cyclic(&ima_ns_registry, &policy->index,
			      ima_ns_policy_get(policy), xa_limit_32b,
			      &ima_ns_registry_next, GFP_KERNEL);
	if (err < 0) {
		ima_ns_policy_put(policy);
		goto out_unlock;
	}
	err = ima_ns_fs_create(policy, ima_dir);
	if (err)
		goto out_erase;

	spin_lock(&ima_ns_tree_lock);
	old = rcu_dereference_protected(blob->policy,
					lockdep_is_held(&ima_ns_tree_lock));
	/* The namespace's reference and user on @old pass to @policy. */
	RCU_INIT_POINTER(policy->parent, old);
	atomic_set(&policy->users, 1);
	rcu_assign_pointer(blob->policy, policy);
	blob->registered = policy;
	ima_ns_adopt_descendants(blob, old, policy);
	spin_unlock(&ima_ns_tree_lock);
	mutex_unlock(&ima_ns_lock);

	integrity_audit_ns_msg(AUDIT_INTEGRITY_STATUS, "ns_register",
			       "registered", 0, policy->nsid, policy->id);
	put_mnt_ns(ns);
	return 0;

out_erase:
	xa_erase(&ima_ns_registry, policy->index);
	ima_ns_policy_put(policy);
out_unlock:
	mutex_unlock(&ima_ns_lock);
	ima_ns_policy_put(policy);
out_put_ns:
	put_mnt_ns(ns);
	return err;
}

/**
 * ima_mnt_ns_alloc - a new mount namespace takes over its creator's policy
 * @ns: the namespace being created, not yet visible to any task
 * @src: the mount namespace of its creator, or NULL
 *
 * Called for every mount namespace, however it is created, so that no
 * path starts one ungoverned: this is what keeps unshare(2) and clone(2)
 * from escaping a policy.  Anonymous namespaces have no @src and no
 * policy.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
static int ima_mnt_ns_alloc(struct mnt_namespace *ns,
			    struct mnt_namespace *src)
{
	struct ima_mnt_ns *blob = ima_mnt_ns(ns), *src_blob;
	struct ima_ns_policy *policy;
	int err;

	blob->ns = ns;
	INIT_LIST_HEAD(&blob->children);
	INIT_LIST_HEAD(&blob->sibling);
	if (!(ima_appraise & IMA_APPRAISE_NS) || !mnt_ns_id(ns))
		return 0;

	err = xa_insert(&ima_ns_by_inum, from_mnt_ns(ns)->inum, blob,
			GFP_KERNEL_ACCOUNT);
	if (err)
		return err == -EBUSY ? -EEXIST : err;
	blob->indexed = true;
	if (!src)
		return 0;

	src_blob = ima_mnt_ns(src);
	spin_lock(&ima_ns_tree_lock);
	policy = rcu_dereference_protected(src_blob->policy,
					   lockdep_is_held(&ima_ns_tree_lock));
	RCU_INIT_POINTER(blob->policy, ima_ns_use(policy));
	blob->src = src_blob;
	list_add_tail(&blob->sibling, &src_blob->children);
	spin_unlock(&ima_ns_tree_lock);
	return 0;
}

/**
 * ima_mnt_ns_free - a mount namespace is being freed
 * @ns: the namespace; no task uses it any more
 *
 * Its children are handed to its own source, so that a later registration
 * of an ancestor still reaches them.  If it registered a policy, "<nsid>"
 * goes, before the inode number can be reused; the policy stays listed
 * while it governs other namespaces.
 *
 * Context: Process context; may sleep.
 */
static void ima_mnt_ns_free(struct mnt_namespace *ns)
{
	struct ima_mnt_ns *blob = ima_mnt_ns(ns), *child, *tmp;
	struct ima_ns_policy *policy;

	/* Another module's alloc hook failed before ours ran. */
	if (!blob->ns)
		return;
	if (blob->indexed) {
		xa_erase(&ima_ns_by_inum, from_mnt_ns(ns)->inum);
		blob->indexed = false;
	}

	spin_lock(&ima_ns_tree_lock);
	list_for_each_entry_safe(child, tmp, &blob->children, sibling) {
		child->src = blob->src;
		if (blob->src)
			list_move_tail(&child->sibling, &blob->src->children);
		else
			list_del_init(&child->sibling);
	}
	list_del_init(&blob->sibling);
	blob->src = NULL;
	policy = rcu_dereference_protected(blob->policy,
					   lockdep_is_held(&ima_ns_tree_lock));
	RCU_INIT_POINTER(blob->policy, NULL);
	spin_unlock(&ima_ns_tree_lock);

	if (blob->registered) {
		mutex_lock(&ima_ns_lock);
		blob->registered->ns_alive = false;
		ima_ns_fs_unlink(blob->registered);
		mutex_unlock(&ima_ns_lock);
		blob->registered = NULL;
	}
	ima_ns_unuse(policy);
}

/**
 * ima_ns_governed_by - is a policy in a namespace's chain?
 * @ns: the namespace
 * @policy: the policy
 *
 * Context: rcu_read_lock() held.
 * Return: true if @policy governs @ns.
 */
static bool ima_ns_governed_by(struct mnt_namespace *ns,
			       const struct ima_ns_policy *policy)
{
	const struct ima_ns_policy *p;

	for (p = rcu_dereference(ima_mnt_ns(ns)->policy); p;
	     p = rcu_dereference(p->parent))
		if (p == policy)
			return true;
	return false;
}

/**
 * ima_mnt_ns_install - may current enter a mount namespace?
 * @nsset: the namespaces current moves to
 * @ns: the mount namespace it would enter
 *
 * A governed task may only enter a namespace that every policy governing
 * it governs too, so that setns(2) into a sibling created ungoverned, or
 * under a weaker policy, is no way around a policy.  Since every policy
 * in the chain of current's innermost policy also governs what that one
 * governs, checking the innermost one is enough.  Host root, with
 * CAP_SYS_ADMIN in the initial user namespace, is exempt: it is trusted
 * with the policies themselves.
 *
 * Context: Process context.
 * Return: 0, or -EPERM (audited).
 */
static int ima_mnt_ns_install(const struct nsset *nsset,
			      struct mnt_namespace *ns)
{
	const struct ima_ns_policy *cur;
	unsigned int nsid = 0;
	bool ok;

	if (!ima_ns_active())
		return 0;

	rcu_read_lock();
	cur = ima_ns_current_policy();
	ok = !cur || ima_ns_governed_by(ns, cur);
	if (!ok)
		nsid = cur->nsid;
	rcu_read_unlock();

	if (ok || ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		return 0;
	integrity_audit_ns_msg(AUDIT_INTEGRITY_STATUS, "ns_install",
			       "weaker-policy", -EPERM, nsid, 0);
	return -EPERM;
}

/**
 * ima_ns_lookup_file - find the policy behind an opened file of its directory
 * @index: the registry index the file was created for
 * @dentry: the file's dentry
 *
 * A file that was opened just as its policy was unlisted must not reach a
 * policy registered later under the same index: the dentry must still be
 * in the policy's own directory.
 *
 * Context: Process context; takes ima_ns_lock.
 * Return: the policy with a new reference, or NULL if it is gone.
 */
struct ima_ns_policy *ima_ns_lookup_file(u32 index,
					 const struct dentry *dentry)
{
	struct ima_ns_policy *policy;

	mutex_lock(&ima_ns_lock);
	policy = xa_load(&ima_ns_registry, index);
	if (policy && policy->dir && dentry->d_parent == policy->dir)
		ima_ns_policy_get(policy);
	else
		policy = NULL;
	mutex_unlock(&ima_ns_lock);
	return policy;
}

/**
 * ima_ns_lookup_id - find a listed policy by its index and id
 * @index: the policy's &ima_ns_policy.index
 * @id: its &ima_ns_policy.id, which tells it from a later policy that
 *	took the same index
 *
 * Context: Any context.
 * Return: the policy with a new reference, or NULL if it is gone.
 */
struct ima_ns_policy *ima_ns_lookup_id(u32 index, u64 id)
{
	struct ima_ns_policy *policy;

	rcu_read_lock();
	policy = xa_load(&ima_ns_registry, index);
	/* Unlisted policies are freed after a grace period. */
	if (policy && (policy->id != id ||
		       !refcount_inc_not_zero(&policy->usage)))
		policy = NULL;
	rcu_read_unlock();
	return policy;
}

/**
 * ima_ns_show_registered - list the policies in force, one per line
 * @m: the seq_file of the "namespaces" file
 *
 * Each line holds the inode number of the namespace that registered the
 * policy, or "-" once that namespace is gone, and "mntns:<id>", its
 * 64-bit id, which names the policy's directory.
 *
 * Context: Process context; takes ima_ns_lock.
 */
void ima_ns_show_registered(struct seq_file *m)
{
	struct ima_ns_policy *policy;
	unsigned long index;

	mutex_lock(&ima_ns_lock);
	xa_for_each(&ima_ns_registry, index, policy) {
		if (policy->ns_alive)
			seq_printf(m, "%u ", policy->nsid);
		else
			seq_puts(m, "- ");
		seq_printf(m, IMA_NS_ID_PREFIX "%llu\n", policy->id);
	}
	mutex_unlock(&ima_ns_lock);
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

static struct security_hook_list ima_ns_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(mnt_ns_alloc, ima_mnt_ns_alloc),
	LSM_HOOK_INIT(mnt_ns_free, ima_mnt_ns_free),
	LSM_HOOK_INIT(mnt_ns_install, ima_mnt_ns_install),
};

/**
 * ima_ns_init_lsm - register the mount namespace hooks
 * @lsmid: IMA's LSM id
 *
 * Context: Boot.
 */
void __init ima_ns_init_lsm(const struct lsm_id *lsmid)
{
	security_add_hooks(ima_ns_hooks, ARRAY_SIZE(ima_ns_hooks), lsmid);
}
