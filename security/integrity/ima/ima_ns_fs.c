// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: the securityfs files "namespaces" and
 * "mntns:<id>/{policy,mode,measure_limit}", the "<nsid>" links, and
 * where the measurement views go.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "ima_ns.h"

/* The longest write "namespaces" takes: "mntns:", 20 digits, a newline. */
#define IMA_NS_ID_MAX_WRITE	27

/* The longest write "mode" takes: "enforce" and a newline. */
#define IMA_NS_MODE_MAX_WRITE	8

/* The longest write "measure_limit" takes, in bytes. */
#define IMA_NS_LIMIT_MAX_WRITE	16

/* Bit of &ima_ns_policy.busy held by the one writer of a policy file. */
#define IMA_NS_POLICY_BUSY	0

static struct dentry *ima_ns_ima_dir;

/**
 * ima_ns_may_configure - may this write change namespace policies?
 * @file: the file being written
 *
 * Both the opener and the writer need CAP_SYS_ADMIN in the initial user
 * namespace, so that a descriptor passed to a less privileged process is
 * of no use to it.
 *
 * Context: Process context.
 * Return: true if allowed.
 */
static bool ima_ns_may_configure(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) &&
	       capable(CAP_SYS_ADMIN);
}

/**
 * ima_ns_copy_write - take a one-line write to a namespace policy file
 * @file: the file written
 * @ubuf: the user buffer
 * @len: its length in bytes
 * @ppos: file position; must be 0
 * @max: the most bytes the file takes in one write
 *
 * Context: Process context; may sleep.
 * Return: the text, NUL-terminated, to be freed with kfree(), or
 * ERR_PTR(-EPERM) if the writer or opener lacks CAP_SYS_ADMIN,
 * ERR_PTR(-EINVAL) for a non-zero offset, an empty or too long write or
 * an embedded NUL, ERR_PTR(-EFAULT) or ERR_PTR(-ENOMEM).
 */
static char *ima_ns_copy_write(struct file *file, const char __user *ubuf,
			       size_t len, const loff_t *ppos, size_t max)
{
	char *buf;

	if (!ima_ns_may_configure(file))
		return ERR_PTR(-EPERM);
	if (*ppos != 0 || !len || len > max)
		return ERR_PTR(-EINVAL);

	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return buf;
	/* An embedded NUL shortens the string. */
	if (strlen(buf) != len) {
		kfree(buf);
		return ERR_PTR(-EINVAL);
	}
	return buf;
}

/**
 * ima_ns_show_namespaces - seq_file show for "namespaces"
 * @m: the seq_file
 * @v: unused
 *
 * Context: Process context.
 * Return: 0.
 */
static int ima_ns_show_namespaces(struct seq_file *m, void *v)
{
	ima_ns_show_registered(m);
	return 0;
}

/**
 * ima_ns_open_namespaces - open "namespaces"
 * @inode: its inode
 * @file: the file
 *
 * Context: Process context.
 * Return: 0 on success, -errno from single_open() otherwise.
 */
static int ima_ns_open_namespaces(struct inode *inode, struct file *file)
{
	return single_open(file, ima_ns_show_namespaces, NULL);
}

/**
 * ima_ns_write_namespaces - register a mount namespace by its id
 * @file: the "namespaces" file
 * @ubuf: user buffer with a decimal nsid, or "mntns:" and a 64-bit id
 * @len: its length in bytes
 * @ppos: file position; must be 0
 *
 * Context: Process context; may sleep.
 * Return:
 * * @len		- The namespace is registered
 * * -EPERM		- Writer or opener lacks CAP_SYS_ADMIN
 * * -EINVAL		- Malformed id, non-zero offset, or initial namespace
 * * -EOPNOTSUPP	- Not booted with ima_appraise=enforce_ns
 * * -ENOENT		- No live mount namespace has that id
 * * -EEXIST		- Already registered
 * * -EFAULT, -ENOMEM	- Copy or allocation failure
 */
static ssize_t ima_ns_write_namespaces(struct file *file,
				       const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	struct ima_ns_ref ref;
	char *buf;
	int err;

	buf = ima_ns_copy_write(file, ubuf, len, ppos, IMA_NS_ID_MAX_WRITE);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	err = ima_ns_parse_id(buf, len, &ref);
	if (!err)
		err = ima_ns_register(&ref, ima_ns_ima_dir);
	kfree(buf);
	return err ? err : len;
}

static const struct file_operations ima_ns_namespaces_fops = {
	.open = ima_ns_open_namespaces,
	.read = seq_read,
	.write = ima_ns_write_namespaces,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * ima_ns_policy_seq_start - seq_file start over a namespace's rules
 * @m: the seq_file; @m->private is the policy
 * @pos: index of the rule to show
 *
 * Context: Process context.
 * Return: the rule at @pos, or NULL past the end.
 */
static void *ima_ns_policy_seq_start(struct seq_file *m, loff_t *pos)
{
	const struct ima_ns_policy *policy = m->private;

	return ima_rule_list_nth(&policy->rules, *pos);
}

/*
 * Rules are only appended, and freed with the policy, which the open file
 * pins: a rule found once stays valid, and its successor is read as RCU
 * publishes it.
 */

/**
 * ima_ns_policy_seq_next - seq_file next over a namespace's rules
 * @m: the seq_file
 * @v: the rule just shown
 * @pos: its index; advanced
 *
 * Context: Process context.
 * Return: the next rule, or NULL past the end.
 */
static void *ima_ns_policy_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	const struct ima_ns_policy *policy = m->private;

	++*pos;
	return ima_rule_list_next(&policy->rules, v);
}

/**
 * ima_ns_policy_seq_stop - seq_file stop; nothing to release
 * @m: the seq_file
 * @v: unused
 *
 * Context: Process context.
 */
static void ima_ns_policy_seq_stop(struct seq_file *m, void *v)
{
}

static const struct seq_operations ima_ns_policy_seqops = {
	.start = ima_ns_policy_seq_start,
	.next = ima_ns_policy_seq_next,
	.stop = ima_ns_policy_seq_stop,
	.show = ima_policy_show,
};

/**
 * ima_ns_open_policy_read - open a namespace policy for reading it back
 * @file: the file
 * @policy: the policy; the reference passes to the file
 *
 * Context: Process context.
 * Return: 0, -EACCES without CONFIG_IMA_READ_POLICY or for O_RDWR, -EPERM
 * without CAP_SYS_ADMIN, or -ENOMEM.
 */
static int ima_ns_open_policy_read(struct file *file,
				   struct ima_ns_policy *policy)
{
	int err;

	if (!IS_ENABLED(CONFIG_IMA_READ_POLICY) ||
	    (file->f_flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = seq_open(file, &ima_ns_policy_seqops);
	if (!err)
		((struct seq_file *)file->private_data)->private = policy;
	return err;
}

/**
 * ima_ns_open_policy_write - open a namespace policy for its one writer
 * @file: the file
 * @policy: the policy; the reference passes to the file
 *
 * Context: Process context.
 * Return: 0, -EPERM without CAP_SYS_ADMIN, -EBUSY if another writer has it
 * open, -EACCES when a policy was loaded and CONFIG_IMA_WRITE_POLICY is off.
 */
static int ima_ns_open_policy_write(struct file *file,
				    struct ima_ns_policy *policy)
{
	if (!ima_ns_may_configure(file))
		return -EPERM;
	if (test_and_set_bit(IMA_NS_POLICY_BUSY, &policy->busy))
		return -EBUSY;
	if (!IS_ENABLED(CONFIG_IMA_WRITE_POLICY) &&
	    !list_empty_careful(&policy->rules)) {
		clear_bit(IMA_NS_POLICY_BUSY, &policy->busy);
		return -EACCES;
	}
	file->private_data = policy;
	return 0;
}

/**
 * ima_ns_open_policy - open "mntns:<id>/policy"
 * @inode: the file's inode; i_private holds the policy's registry index
 * @file: the file
 *
 * Context: Process context.
 * Return: 0 on success; -ENOENT if the policy governs nothing any more;
 * -EACCES for O_RDWR and access mode 3; the errors of
 * ima_ns_open_policy_read() or ima_ns_open_policy_write().
 */
static int ima_ns_open_policy(struct inode *inode, struct file *file)
{
	u32 index = (unsigned long)inode->i_private;
	struct ima_ns_policy *policy;
	int err;

	policy = ima_ns_lookup_file(index, file->f_path.dentry);
	if (!policy)
		return -ENOENT;

	switch (file->f_flags & O_ACCMODE) {
	case O_WRONLY:
		err = ima_ns_open_policy_write(file, policy);
		break;
	case O_RDONLY:
		err = ima_ns_open_policy_read(file, policy);
		break;
	default:
		err = -EACCES;
		break;
	}
	if (err)
		ima_ns_policy_put(policy);
	return err;
}

/**
 * ima_ns_stage_rule - parse one written line onto the staged rules
 * @policy: the policy being written
 * @data: the written text, NUL-terminated
 *
 * Context: Process context; @policy->lock held.
 * Return: bytes consumed, or -errno.
 */
static ssize_t ima_ns_stage_rule(struct ima_ns_policy *policy, char *data)
{
	struct list_head *last = policy->staged.prev;
	ssize_t result;

	lockdep_assert_held(&policy->lock);
	if (policy->dead)
		return -ENOENT;
	/* Loading rules from a file is for the global policy only. */
	if (data[0] == '/')
		return -EINVAL;

	result = ima_parse_ns_rule_line(data, &policy->staged);
	if (result < 0 || policy->staged.prev == last)
		return result;
	/* A rule was staged: keep it only within the limit. */
	if (policy->nr_rules + policy->nr_staged >= IMA_NS_MAX_RULES) {
		ima_free_rule_list_tail(&policy->staged);
		return -ENOSPC;
	}
	policy->nr_staged++;
	return result;
}

/**
 * ima_ns_write_policy - stage rules for a namespace policy
 * @file: the policy file, open for writing
 * @ubuf: the rules
 * @len: their length; at most one page is taken per call
 * @ppos: file position; must be 0, as for the global policy
 *
 * Like the global policy file, each call consumes one line.  Any error
 * marks the batch failed, so that nothing of it is committed at close.
 *
 * Context: Process context; may sleep.
 * Return: bytes consumed, or -EPERM, -EINVAL, -ENOSPC, -ENOENT (namespace
 * gone), -EINTR, -EFAULT or -ENOMEM.
 */
static ssize_t ima_ns_write_policy(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct ima_ns_policy *policy = file->private_data;
	ssize_t result;
	char *data;

	if (!ima_ns_may_configure(file))
		return -EPERM;

	if (len >= PAGE_SIZE)
		len = PAGE_SIZE - 1;
	if (*ppos != 0) {
		result = -EINVAL;
		goto out_fail;
	}

	data = memdup_user_nul(ubuf, len);
	if (IS_ERR(data)) {
		result = PTR_ERR(data);
		goto out_fail;
	}

	result = mutex_lock_interruptible(&policy->lock);
	if (result) {
		/* Interrupted: the batch is incomplete, so it fails too. */
		kfree(data);
		goto out_fail;
	}
	result = ima_ns_stage_rule(policy, data);
	if (result < 0)
		policy->batch_failed = true;
	mutex_unlock(&policy->lock);
	kfree(data);
	return result;

out_fail:
	mutex_lock(&policy->lock);
	policy->batch_failed = true;
	mutex_unlock(&policy->lock);
	return result;
}

/**
 * ima_ns_commit_policy - commit or drop the staged batch at close
 * @policy: the policy
 *
 * One bad rule drops the whole batch and the previous rules stay in
 * force; an empty batch fails too, as for the global policy.
 *
 * Context: Process context; may sleep.  Takes @policy->lock.
 */
static void ima_ns_commit_policy(struct ima_ns_policy *policy)
{
	bool ok, no_view = false;
	int actions;

	/*
	 * A policy shows its measurements from its first measure or
	 * dont_measure rule on; a batch that cannot have them is dropped.
	 */
	mutex_lock(&policy->lock);
	ok = !policy->batch_failed && !policy->dead &&
	     !list_empty(&policy->staged);
	actions = ima_rule_list_actions(&policy->staged);
	mutex_unlock(&policy->lock);
	if (ok && (actions & IMA_MEASURE) && ima_ns_fs_add_measurement(policy))
		no_view = true;

	mutex_lock(&policy->lock);
	ok = !policy->batch_failed && !policy->dead && !no_view &&
	     !list_empty(&policy->staged);
	if (ok) {
		policy->nr_rules += policy->nr_staged;
		WRITE_ONCE(policy->appraise_flags, policy->appraise_flags |
			   ima_rule_list_appraise_flags(&policy->staged));
		actions = ima_rule_list_actions(&policy->staged);
		if (actions & (IMA_AUDIT | IMA_MEASURE))
			ima_ns_count_trials(policy, true);
		/* Accesses look for appraise rules before there are any. */
		if ((actions & IMA_APPRAISE) && !policy->appraises) {
			static_branch_inc(&ima_ns_appraisers);
			WRITE_ONCE(policy->appraises, true);
		}
		if (actions & IMA_AUDIT)
			WRITE_ONCE(policy->audits, true);
		if (actions & IMA_MEASURE)
			WRITE_ONCE(policy->measures, true);
		ima_rule_list_publish(&policy->staged, &policy->rules);
	} else {
		ima_free_rule_list(&policy->staged);
	}
	policy->nr_staged = 0;
	policy->batch_failed = false;
	mutex_unlock(&policy->lock);

	integrity_audit_ns_msg(AUDIT_INTEGRITY_STATUS, "policy_update",
			       ok ? "completed" : "failed", !ok, policy->nsid,
			       policy->id);
}

/**
 * ima_ns_release_policy - close "mntns:<id>/policy"
 * @inode: its inode
 * @file: the file
 *
 * Context: Process context; may sleep.
 * Return: 0.
 */
static int ima_ns_release_policy(struct inode *inode, struct file *file)
{
	struct ima_ns_policy *policy;

	if ((file->f_flags & O_ACCMODE) == O_RDONLY) {
		policy = ((struct seq_file *)file->private_data)->private;
		seq_release(inode, file);
	} else {
		policy = file->private_data;
		ima_ns_commit_policy(policy);
		clear_bit(IMA_NS_POLICY_BUSY, &policy->busy);
	}
	ima_ns_policy_put(policy);
	return 0;
}

static const struct file_operations ima_ns_policy_fops = {
	.open = ima_ns_open_policy,
	.read = seq_read,
	.write = ima_ns_write_policy,
	.llseek = generic_file_llseek,
	.release = ima_ns_release_policy,
};

/**
 * ima_ns_open_dir_file - open a file of a policy's directory
 * @file: the file; its directory's i_private holds the policy's registry
 *	index
 * @writable: whether the file takes writes
 *
 * Reading needs CAP_SYS_ADMIN; writing needs it in the initial user
 * namespace, for the opener and later for the writer.
 *
 * Context: Process context.
 * Return: the policy with a reference for the open file;
 * ERR_PTR(-ENOENT) if the policy governs nothing any more;
 * ERR_PTR(-EACCES) for O_RDWR, access mode 3, or a write to a read-only
 * file; ERR_PTR(-EPERM) without CAP_SYS_ADMIN in the initial user
 * namespace.
 */
struct ima_ns_policy *ima_ns_open_dir_file(struct file *file, bool writable)
{
	struct dentry *dentry = file->f_path.dentry;
	u32 index = (unsigned long)d_inode(dentry->d_parent)->i_private;
	struct ima_ns_policy *policy;
	int err = 0;

	policy = ima_ns_lookup_file(index, dentry);
	if (!policy)
		return ERR_PTR(-ENOENT);

	switch (file->f_flags & O_ACCMODE) {
	case O_WRONLY:
		if (!writable)
			err = -EACCES;
		else if (!ima_ns_may_configure(file))
			err = -EPERM;
		break;
	case O_RDONLY:
		if (!capable(CAP_SYS_ADMIN))
			err = -EPERM;
		break;
	default:
		err = -EACCES;
		break;
	}
	if (err) {
		ima_ns_policy_put(policy);
		return ERR_PTR(err);
	}
	return policy;
}

/**
 * ima_ns_open_setting - open "mntns:<id>/mode" or "measure_limit"
 * @inode: the file's inode
 * @file: the file
 *
 * Context: Process context.
 * Return: 0, or an error of ima_ns_open_dir_file().
 */
static int ima_ns_open_setting(struct inode *inode, struct file *file)
{
	struct ima_ns_policy *policy = ima_ns_open_dir_file(file, true);

	if (IS_ERR(policy))
		return PTR_ERR(policy);
	file->private_data = policy;
	return 0;
}

/**
 * ima_ns_read_mode - read a namespace policy's mode
 * @file: the mode file
 * @ubuf: user buffer
 * @count: its size in bytes
 * @ppos: file position
 *
 * Context: Process context.
 * Return: bytes read: "enforce\n" or "log\n" from @ppos on, or -EFAULT.
 */
static ssize_t ima_ns_read_mode(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	const struct ima_ns_policy *policy = file->private_data;
	char buf[IMA_NS_MODE_MAX_WRITE + 1];
	int len;

	len = scnprintf(buf, sizeof(buf), "%s\n",
			ima_ns_mode_name(READ_ONCE(policy->mode)));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/**
 * ima_ns_write_mode - put a namespace policy in enforce or log mode
 * @file: the mode file, open for writing
 * @ubuf: "enforce" or "log", and at most one newline
 * @len: its length in bytes
 * @ppos: file position; must be 0
 *
 * Context: Process context; may sleep.
 * Return:
 * * @len		- The mode is set, from the next access on
 * * -EPERM		- Writer or opener lacks CAP_SYS_ADMIN
 * * -EINVAL		- Not a mode, or a non-zero offset; the mode stays
 * * -ENOENT		- The policy governs nothing any more
 * * -EFAULT, -ENOMEM	- Copy or allocation failure
 */
static ssize_t ima_ns_write_mode(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct ima_ns_policy *policy = file->private_data;
	char *buf;
	int mode;

	buf = ima_ns_copy_write(file, ubuf, len, ppos, IMA_NS_MODE_MAX_WRITE);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mode = ima_ns_parse_mode(buf);
	if (mode >= 0)
		mode = ima_ns_set_mode(policy, mode);
	kfree(buf);
	return mode < 0 ? mode : len;
}

/**
 * ima_ns_release_setting - close "mntns:<id>/mode" or "measure_limit"
 * @inode: its inode
 * @file: the file
 *
 * Context: Process context.
 * Return: 0.
 */
static int ima_ns_release_setting(struct inode *inode, struct file *file)
{
	ima_ns_policy_put(file->private_data);
	return 0;
}

static const struct file_operations ima_ns_mode_fops = {
	.open = ima_ns_open_setting,
	.read = ima_ns_read_mode,
	.write = ima_ns_write_mode,
	.llseek = generic_file_llseek,
	.release = ima_ns_release_setting,
};

/**
 * ima_ns_read_measure_limit - read how many entries a policy may add
 * @file: the measure_limit file
 * @ubuf: user buffer
 * @count: its size in bytes
 * @ppos: file position
 *
 * Context: Process context.
 * Return: bytes read: the limit in decimal and a newline, from @ppos on,
 * or -EFAULT.
 */
static ssize_t ima_ns_read_measure_limit(struct file *file,
					 char __user *ubuf, size_t count,
					 loff_t *ppos)
{
	const struct ima_ns_policy *policy = file->private_data;
	char buf[IMA_NS_LIMIT_MAX_WRITE];
	int len;

	len = scnprintf(buf, sizeof(buf), "%u\n",
			READ_ONCE(policy->measure_limit));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/**
 * ima_ns_write_measure_limit - set how many entries a policy may add
 * @file: the measure_limit file, open for writing
 * @ubuf: a decimal number of entries, and at most one newline
 * @len: its length in bytes
 * @ppos: file position; must be 0
 *
 * Context: Process context; may sleep.
 * Return:
 * * @len		- The limit is set, for the next measurement on
 * * -EPERM		- Writer or opener lacks CAP_SYS_ADMIN
 * * -EINVAL		- Not a number from 0 to IMA_NS_MAX_MEASURE_LIMIT
 *			  (1048576), or a non-zero offset; the limit stays
 * * -ENOENT		- The policy governs nothing any more
 * * -EFAULT, -ENOMEM	- Copy or allocation failure
 */
static ssize_t ima_ns_write_measure_limit(struct file *file,
					  const char __user *ubuf,
					  size_t len, loff_t *ppos)
{
	struct ima_ns_policy *policy = file->private_data;
	unsigned int limit;
	char *buf;
	int err;

	buf = ima_ns_copy_write(file, ubuf, len, ppos, IMA_NS_LIMIT_MAX_WRITE);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	/* Out of range for kstrtouint() too (-ERANGE): still not a limit. */
	if (kstrtouint(buf, 10, &limit) || limit > IMA_NS_MAX_MEASURE_LIMIT)
		err = -EINVAL;
	else
		err = ima_ns_set_measure_limit(policy, limit);
	kfree(buf);
	return err ? err : len;
}

static const struct file_operations ima_ns_measure_limit_fops = {
	.open = ima_ns_open_setting,
	.read = ima_ns_read_measure_limit,
	.write = ima_ns_write_measure_limit,
	.llseek = generic_file_llseek,
	.release = ima_ns_release_setting,
};

/**
 * struct ima_ns_dir_file - a file of a policy's directory
 * @name: its name
 * @mode: its permission bits
 * @fops: its operations
 */
struct ima_ns_dir_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
};

/* The files of a policy that measures. */
static const struct ima_ns_dir_file ima_ns_measure_files[] = {
	{ "measure_limit", 0600, &ima_ns_measure_limit_fops },
	{ "ascii_runtime_measurements", 0400, &ima_ns_view_ascii_fops },
	{ "binary_runtime_measurements", 0400, &ima_ns_view_binary_fops },
	{ "runtime_measurements_index", 0400, &ima_ns_view_index_fops },
};

/**
 * ima_ns_fs_add_measurement - create the measurement files of a policy
 * @policy: the policy, about to commit a measure or dont_measure rule
 *
 * Creates "measure_limit" and the views, once: policies that do not
 * measure, the most common kind, do without them.  The views keep the
 * SHA-1 bank's index in i_private, as the global lists do, for the show
 * functions they share; they find their policy through their directory.
 *
 * Context: Process context; may sleep.  Takes ima_ns_lock.
 * Return: 0 once the files exist; -ENOENT if the policy's directory is
 * gone; another -errno of securityfs, with none of the files left.
 */
int ima_ns_fs_add_measurement(struct ima_ns_policy *policy)
{
	struct dentry *made[ARRAY_SIZE(ima_ns_measure_files)];
	void *sha1 = (void *)(unsigned long)ima_sha1_idx;
	const struct ima_ns_dir_file *f;
	unsigned int i;
	int err = 0;

	mutex_lock(&ima_ns_lock);
	if (!policy->dir) {
		err = -ENOENT;
		goto out_unlock;
	}
	if (policy->measure_files)
		goto out_unlock;
	for (i = 0; i < ARRAY_SIZE(ima_ns_measure_files); i++) {
		f = &ima_ns_measure_files[i];
		made[i] = securityfs_create_file(f->name, f->mode, policy->dir,
						 sha1, f->fops);
		if (IS_ERR(made[i])) {
			err = PTR_ERR(made[i]);
			goto out_remove;
		}
	}
	policy->measure_files = true;
	goto out_unlock;

out_remove:
	while (i--)
		securityfs_remove(made[i]);
out_unlock:
	mutex_unlock(&ima_ns_lock);
	return err;
}

/**
 * ima_ns_fs_create - create the files of a new policy
 * @policy: the policy, with its @nsid, @id and @index set
 * @ima_dir: the securityfs "ima" directory
 *
 * Creates the directory "mntns:<id>", named by the 64-bit id of the
 * namespace that registers the policy, which is never reused, with
 * "policy" and "mode" in it, and the link "<nsid>", named by the
 * namespace's inode number, which goes with that namespace.  The
 * directory's i_private holds the policy's registry index.
 *
 * Context: Process context; ima_ns_lock held.
 * Return: 0, or the error of securityfs.
 */
int ima_ns_fs_create(struct ima_ns_policy *policy, struct dentry *ima_dir)
{
	void *index = (void *)(unsigned long)policy->index;
	char name[32], link[16];
	struct dentry *dentry;
	umode_t mode = 0200;
	int err;

	lockdep_assert_held(&ima_ns_lock);
	if (IS_ENABLED(CONFIG_IMA_READ_POLICY))
		mode |= 0400;

	snprintf(name, sizeof(name), "mntns:%llu", policy->id);
	snprintf(link, sizeof(link), "%u", policy->nsid);
	policy->dir = securityfs_create_file(name, S_IFDIR | 0755, ima_dir,
					     index, NULL);
	if (IS_ERR(policy->dir)) {
		err = PTR_ERR(policy->dir);
		goto out_clear;
	}
	dentry = securityfs_create_file("policy", mode, policy->dir, index,
					&ima_ns_policy_fops);
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out_remove_dir;
	}
	dentry = securityfs_create_file("mode", 0600, policy->dir, index,
					&ima_ns_mode_fops);
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out_remove_dir;
	}
	policy->link = securityfs_create_symlink(link, ima_dir, name, NULL);
	if (IS_ERR(policy->link)) {
		err = PTR_ERR(policy->link);
		goto out_remove_dir;
	}
	return 0;

out_remove_dir:
	securityfs_recursive_remove(policy->dir);
out_clear:
	policy->dir = NULL;
	policy->link = NULL;
	return err;
}

/**
 * ima_ns_fs_unlink - remove "<nsid>" once its namespace is gone
 * @policy: the policy
 *
 * Before the inode number can be reused, so that a namespace reusing it
 * finds nothing and can register at once.
 *
 * Context: Process context; ima_ns_lock held.
 */
void ima_ns_fs_unlink(struct ima_ns_policy *policy)
{
	lockdep_assert_held(&ima_ns_lock);
	securityfs_remove(policy->link);
	policy->link = NULL;
}

/**
 * ima_ns_fs_remove - remove every file of a policy that governs nothing
 * @policy: the policy
 *
 * The entries are unhashed even while the policy file is open.
 *
 * Context: Process context; ima_ns_lock held.
 */
void ima_ns_fs_remove(struct ima_ns_policy *policy)
{
	lockdep_assert_held(&ima_ns_lock);
	ima_ns_fs_unlink(policy);
	securityfs_recursive_remove(policy->dir);
	policy->dir = NULL;
}

/**
 * ima_ns_fs_init - create "ima/namespaces"
 * @ima_dir: the securityfs "ima" directory
 *
 * Context: Boot, process context.
 * Return: 0, or the error of securityfs_create_file().
 */
int __init ima_ns_fs_init(struct dentry *ima_dir)
{
	struct dentry *dentry;

	ima_ns_ima_dir = ima_dir;
	dentry = securityfs_create_file("namespaces", 0600, ima_dir, NULL,
					&ima_ns_namespaces_fops);
	return PTR_ERR_OR_ZERO(dentry);
}
