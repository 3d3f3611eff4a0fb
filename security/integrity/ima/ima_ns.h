/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IMA namespace policies: per-mount-namespace appraisal rules.
 */

#ifndef _SECURITY_INTEGRITY_IMA_NS_H
#define _SECURITY_INTEGRITY_IMA_NS_H

#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "ima.h"

/* Most rules one namespace policy may hold, staged ones included. */
#define IMA_NS_MAX_RULES	1024

/*
 * Rule flags that relax an appraisal.  When several policies appraise one
 * access, such a flag holds only if every one of them grants it; every
 * other rule flag holds if any of them sets it.
 */
#define IMA_NS_RELAXING_FLAGS	(IMA_PERMIT_DIRECTIO | IMA_MODSIG_ALLOWED)

struct dentry;
struct mnt_namespace;

/**
 * struct ima_ns_policy - the appraisal policy of one mount namespace
 * @usage: references: one from every mount namespace whose
 *	@mnt_namespace.ima_policy points here, one from every child policy
 *	(@parent), one for every open policy file.
 * @free_work: frees the policy once @usage hits zero and a grace period
 *	has passed, so that RCU walkers of @rules are done with it.  Each
 *	live policy holds one count of &ima_ns_enabled.
 * @parent: the policy that governed the namespace before it was
 *	registered, or NULL.  Immutable; holds a reference.  Walking @parent
 *	gives the union of inherited policies.
 * @rules: the rules in force, an RCU list of struct ima_rule_entry.
 *	Rules are only appended (under @lock) and are freed with the policy.
 * @lock: serialises the policy writer; protects @staged, @nr_rules,
 *	@batch_failed and @dead.  Nests inside &ima_ns_lock.
 * @staged: rules written but not yet committed; committed at close.
 * @nr_rules: number of rules in @rules.
 * @batch_failed: a write of the current batch failed; drop it at close.
 * @dead: the namespace is gone; writes fail with -ENOENT.
 * @busy: bit 0 is set while the policy file is open for writing.
 * @appraise_flags: IMA_APPRAISE_{MODULES,FIRMWARE,POLICY,KEXEC} wanted by
 *	@rules; read locklessly, written under @lock.
 * @nsid: inode number of the namespace the policy was registered for.
 * @ns: that namespace while it lives, else NULL; protected by &ima_ns_lock.
 * @dir: securityfs directory "<nsid>"; protected by &ima_ns_lock.
 * @policy_file: securityfs file "<nsid>/policy"; protected by &ima_ns_lock.
 *
 * Lifetime: a policy is created by ima_ns_register(), referenced by the
 * namespace it was registered for, by namespaces copied from it and by
 * child policies.  It is unregistered when the registering namespace is
 * freed, and freed after an RCU grace period once the last reference is
 * dropped.
 */
struct ima_ns_policy {
	refcount_t usage;
	struct rcu_work free_work;
	struct ima_ns_policy *parent;
	struct list_head rules;
	/* Serialises the writer; see the locking rules above. */
	struct mutex lock;
	struct list_head staged;
	unsigned int nr_rules;
	bool batch_failed;
	bool dead;
	unsigned long busy;
	int appraise_flags;
	unsigned int nsid;
	const struct mnt_namespace *ns;
	struct dentry *dir;
	struct dentry *policy_file;
};

#ifdef CONFIG_IMA_NS

DECLARE_STATIC_KEY_FALSE(ima_ns_enabled);
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

/* ima_ns_policy.c */
bool __ima_ns_governs_current(void);
struct ima_ns_policy *ima_ns_policy_alloc(unsigned int nsid);
struct ima_ns_policy *ima_ns_policy_get(struct ima_ns_policy *policy);
void ima_ns_policy_put(struct ima_ns_policy *policy);
const struct ima_ns_policy *ima_ns_current_policy(void);
int ima_ns_match_policy(struct mnt_idmap *idmap, struct inode *inode,
			const struct cred *cred, u32 secid,
			enum ima_hooks func, int mask, int action,
			unsigned int *allowed_algos);
int ima_ns_appraise_flags(void);
int ima_ns_union_actions(int acc, int more);

/* ima_ns_registry.c */
int ima_ns_parse_id(const char *buf, size_t len, unsigned int *nsid);
int ima_ns_register(unsigned int nsid, struct dentry *ima_dir);
struct ima_ns_policy *ima_ns_lookup_file(unsigned int nsid,
					 const struct dentry *dentry);
void ima_ns_show_registered(struct seq_file *m);

/* ima_ns_fs.c */
int __init ima_ns_fs_init(struct dentry *ima_dir);
struct dentry *ima_ns_fs_create(const struct ima_ns_policy *policy,
				struct dentry *ima_dir,
				struct dentry **policy_file);
void ima_ns_fs_remove(struct dentry *dir);

#else /* !CONFIG_IMA_NS */

static inline bool ima_ns_active(void)
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

static inline int ima_ns_fs_init(struct dentry *ima_dir)
{
	return 0;
}

#endif /* CONFIG_IMA_NS */

/**
 * ima_any_policy_flag - actions that any policy in force may ask for
 *
 * The twin of ima_policy_flag that also covers namespace policies, which
 * only appraise.  Hooks that skip work when no policy could apply, and
 * hooks that invalidate cached verdicts, test this instead.
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
