// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA namespace policies: measurements, and each policy's view of them.
 */

#include <linux/audit.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ima_ns.h"

/**
 * struct ima_ns_view_entry - an entry of a namespace policy's view
 * @list: in &ima_ns_policy.view, ordered by @index
 * @qe: the entry's place in the global measurement list, which is never
 *	freed
 * @index: its 0-based index in the global list
 *
 * 32 bytes; freed with the policy.
 */
struct ima_ns_view_entry {
	struct list_head list;
	struct ima_queue_entry *qe;
	unsigned long index;
};

/* ima_ns_view_reserve() found no room, and no gap: record one. */
#define IMA_NS_VIEW_GAP	1

/**
 * ima_ns_view_reserve - take a slot for an entry under a policy's limit
 * @policy: the policy
 * @inode: the inode measured, for the audit record
 * @pathname: its path, for the audit record
 *
 * A policy with no room records the first entry it refuses as a gap, a
 * violation of the file that says its view is not complete from there
 * on.  Refusals after it are covered by it, until the policy takes a
 * slot again.  The first refusal after each write of the limit is
 * audited.
 *
 * Context: Process context.  Takes @policy->view_lock.
 * Return:
 * * 0			- A slot is taken
 * * IMA_NS_VIEW_GAP	- No slot, and no gap covers the refusal yet: see
 *			  ima_ns_record_gap()
 * * -EDQUOT		- No slot, and a gap covers the refusal
 */
static int ima_ns_view_reserve(struct ima_ns_policy *policy,
			       struct inode *inode, const char *pathname)
{
	bool report = false;
	int ret = 0;

	spin_lock(&policy->view_lock);
	if (policy->nr_entries < READ_ONCE(policy->measure_limit)) {
		policy->nr_entries++;
		policy->gap = IMA_NS_GAP_NONE;
	} else {
		report = !policy->limit_reported;
		policy->limit_reported = true;
		if (policy->gap != IMA_NS_GAP_RECORDED)
			ret = IMA_NS_VIEW_GAP;
		else
			ret = -EDQUOT;
	}
	spin_unlock(&policy->view_lock);

	if (report)
		integrity_audit_ns_file_msg(AUDIT_INTEGRITY_PCR, inode, pathname,
					    "ns_measure", "limit-reached",
					    -EDQUOT, policy->nsid, policy->id,
					    NULL);
	return ret;
}

/**
 * ima_ns_view_add - put an entry in a policy's view
 * @policy: the policy, with a slot taken by ima_ns_view_reserve(), or
 *	recording a gap
 * @node: the view entry, with @qe and @index set
 *
 * Entries added by concurrent accesses may reach here out of order; the
 * view keeps the order of the global list.
 *
 * Context: Process context.  Takes @policy->view_lock.
 */
static void ima_ns_view_add(struct ima_ns_policy *policy,
			    struct ima_ns_view_entry *node)
{
	struct ima_ns_view_entry *pos;

	spin_lock(&policy->view_lock);
	list_for_each_entry_reverse(pos, &policy->view, list)
		if (pos->index < node->index)
			break;
	list_add_rcu(&node->list, &pos->list);
	spin_unlock(&policy->view_lock);
}

/**
 * ima_ns_view_free - free a policy's view
 * @policy: the policy being freed
 *
 * The entries themselves stay in the global list.
 *
 * Context: Process context; nobody else can reach @policy.
 */
void ima_ns_view_free(struct ima_ns_policy *policy)
{
	struct ima_ns_view_entry *node, *tmp;

	list_for_each_entry_safe(node, tmp, &policy->view, list)
		kfree(node);
	INIT_LIST_HEAD(&policy->view);
}

/**
 * ima_ns_add_entry - add an entry to the global list and a policy's view
 * @policy: the policy, with a slot taken or recording a gap
 * @entry: the entry, with its PCR set; the list takes it on success
 * @node: the view entry to put it in the view with; the view takes it on
 *	success
 * @violation: whether the entry is a violation
 * @pathname: the file's path, for the audit record
 * @inode: the file's inode, for the audit record
 *
 * A PCR that the TPM fails to extend is audited by
 * ima_add_template_entry(); the entry is listed all the same.
 *
 * Context: Process context; may sleep.
 * Return:
 * * 0		- The entry is in the list and in the view
 * * -EEXIST	- An identical entry was added meanwhile, by a concurrent
 *		  access of the same policy, which puts it in the view
 * * -ENOMEM	- Out of memory
 */
static int ima_ns_add_entry(struct ima_ns_policy *policy,
			    struct ima_template_entry *entry,
			    struct ima_ns_view_entry *node, bool violation,
			    const char *pathname, struct inode *inode)
{
	struct ima_list_pos pos;
	int err;

	err = ima_add_template_entry(entry, violation, "add_template_measure",
				     inode, pathname, &pos);
	if (err)
		return err;
	node->qe = pos.qe;
	node->index = pos.index;
	ima_ns_view_add(policy, node);
	return 0;
}

/**
 * ima_ns_record_gap - record the gap that covers a refusal for want of room
 * @policy: the policy, which refused an entry
 * @event_data: the refused access, with @event_data->violation set to
 *	"measure_limit"
 * @pcr: the PCR the refused entry would have extended, which the gap
 *	extends instead
 * @template_desc: the template of the refused entry
 * @counted: the refused entry was a violation, counted already
 *
 * Concurrent refusals wait here until one of them has recorded the gap,
 * which covers them all.  If it cannot be recorded, the next refusal
 * tries again.  The gap is audited.
 *
 * Context: Process context; may sleep.  Takes @policy->gap_lock.
 * Return: 0 if a gap covers the refusal, or the -errno of recording it:
 * -ENOMEM, or another -errno from building the template.
 */
static int ima_ns_record_gap(struct ima_ns_policy *policy,
			     struct ima_event_data *event_data, int pcr,
			     struct ima_template_desc *template_desc,
			     bool counted)
{
	struct inode *inode = file_inode(event_data->file);
	struct ima_template_entry *entry;
	struct ima_ns_view_entry *node;
	int err;

	mutex_lock(&policy->gap_lock);
	spin_lock(&policy->view_lock);
	if (policy->gap == IMA_NS_GAP_RECORDED) {
		spin_unlock(&policy->view_lock);
		mutex_unlock(&policy->gap_lock);
		return 0;
	}
	policy->gap = IMA_NS_GAP_RECORDING;
	spin_unlock(&policy->view_lock);

	if (!counted)
		atomic_long_inc(&ima_htable.violations);
	/* Not charged to the namespace: gaps are few, and must be kept. */
	node = kmalloc(sizeof(*node), GFP_KERNEL);
	if (!node) {
		err = -ENOMEM;
		goto out_settle;
	}
	err = ima_alloc_init_template(event_data, &entry, template_desc);
	if (err)
		goto out_free_node;
	entry->pcr = pcr;
	/* A violation is never found listed: only -ENOMEM can fail it. */
	err = ima_ns_add_entry(policy, entry, node, true,
			       event_data->filename, inode);
	if (!err)
		goto out_settle;
	ima_free_template_entry(entry);
out_free_node:
	kfree(node);
out_settle:
	spin_lock(&policy->view_lock);
	/* A slot taken meanwhile ends the gap's reach; keep IMA_NS_GAP_NONE. */
	if (policy->gap == IMA_NS_GAP_RECORDING)
		policy->gap = err ? IMA_NS_GAP_NONE : IMA_NS_GAP_RECORDED;
	spin_unlock(&policy->view_lock);
	mutex_unlock(&policy->gap_lock);

	integrity_audit_ns_file_msg(AUDIT_INTEGRITY_PCR, inode,
				    event_data->filename, "invalid_pcr",
				    "measure_limit", err, policy->nsid,
				    policy->id, NULL);
	return err;
}

/**
 * ima_ns_measure - add a measurement or a violation for a namespace policy
 * @iint: the inode's integrity cache, with the digest collected unless
 *	@violation is set; a read that IMA could not hash has an all-zero
 *	digest, which is measured as such
 * @file: the file measured
 * @pathname: its path
 * @policy: the policy that asks for the entry
 * @pcr: the PCR to extend
 * @template_desc: the template, one with the "mntns" field
 * @violation: "ToMToU" or "open_writers" for a violation, else NULL
 *
 * The entry names @policy's namespace in its "mntns" field, goes to the
 * global measurement list and the PCR, and to @policy's view.  An
 * identical entry, with the same template digest and PCR, already in the
 * list was added by @policy, as it names the namespace, and put in its
 * view then: it is not added again and takes no room under the limit.
 * A policy with no room left records a gap instead (see
 * ima_ns_record_gap()).  Violations are audited with the namespace.
 *
 * Context: Process context, with the inode's &ima_iint_cache.mutex held;
 * may sleep.  Takes @policy->view_lock, and @policy->gap_lock at the
 * limit, where it may wait for another task's recording of the gap.
 * Return:
 * * 0		- The entry is in the list and in the view, added now or
 *		  before
 * * -EDQUOT	- The policy holds as many entries as its limit allows: the
 *		  access is not measured, whether or not the gap that covers
 *		  it could be recorded
 * * -ENOMEM	- Out of memory
 * * another -errno from building the template or computing its digest
 */
int ima_ns_measure(struct ima_iint_cache *iint, struct file *file,
		   const char *pathname, struct ima_ns_policy *policy,
		   int pcr, struct ima_template_desc *template_desc,
		   const char *violation)
{
	struct ima_event_data event_data = {
		.iint = iint,
		.file = file,
		.filename = pathname,
		.violation = violation,
		.mnt_ns_inum = policy->nsid,
		.mnt_ns_id = policy->id,
	};
	struct inode *inode = file_inode(file);
	struct ima_template_entry *entry;
	struct ima_ns_view_entry *node;
	int err;

	lockdep_assert_held(&iint->mutex);
	if (violation)
		atomic_long_inc(&ima_htable.violations);

	/* Before the slot: a slot taken is given back only with an entry. */
	node = kmalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);
	if (!node) {
		err = -ENOMEM;
		goto out_audit;
	}
	err = ima_alloc_init_template(&event_data, &entry, template_desc);
	if (err)
		goto out_free_node;
	if (!violation) {
		err = ima_calc_field_array_hash(&entry->template_data[0], entry);
		if (err) {
			integrity_audit_ns_file_msg(AUDIT_INTEGRITY_PCR, inode,
						    pathname,
						    "add_template_measure",
						    "hashing_error", err,
						    policy->nsid, policy->id,
						    NULL);
			goto out_free_entry;
		}
		if (ima_template_entry_listed(entry, pcr))
			goto out_free_entry;
	}
	err = ima_ns_view_reserve(policy, inode, pathname);
	if (err) {
		ima_free_template_entry(entry);
		kfree(node);
		if (err == IMA_NS_VIEW_GAP) {
			event_data.violation = "measure_limit";
			ima_ns_record_gap(policy, &event_data, pcr,
					  template_desc, !!violation);
		}
		err = -EDQUOT;
		goto out_audit;
	}
	entry->pcr = pcr;
	err = ima_ns_add_entry(policy, entry, node, !!violation, pathname,
			       inode);
	if (!err)
		goto out_audit;
	/* Give the slot back. */
	spin_lock(&policy->view_lock);
	policy->nr_entries--;
	spin_unlock(&policy->view_lock);

out_free_entry:
	ima_free_template_entry(entry);
	if (err == -EEXIST)
		err = 0;
out_free_node:
	kfree(node);
out_audit:
	if (violation)
		integrity_audit_ns_file_msg(AUDIT_INTEGRITY_PCR, inode, pathname,
					    "invalid_pcr", violation, err,
					    policy->nsid, policy->id, NULL);
	return err;
}

/**
 * ima_ns_set_measure_limit - set how many entries a policy may add
 * @policy: the policy
 * @limit: the number of entries, at most IMA_NS_MAX_MEASURE_LIMIT
 *
 * A lower limit than the entries the policy holds refuses new ones, and
 * keeps the old.  The next refusal is audited again.
 *
 * Context: Process context; may sleep.  Takes @policy->lock.
 * Return: 0, or -ENOENT if the policy governs nothing any more.
 */
int ima_ns_set_measure_limit(struct ima_ns_policy *policy,
			     unsigned int limit)
{
	char extra[32];

	mutex_lock(&policy->lock);
	if (policy->dead) {
		mutex_unlock(&policy->lock);
		return -ENOENT;
	}
	spin_lock(&policy->view_lock);
	WRITE_ONCE(policy->measure_limit, limit);
	policy->limit_reported = false;
	spin_unlock(&policy->view_lock);
	mutex_unlock(&policy->lock);

	snprintf(extra, sizeof(extra), "limit=%u", limit);
	integrity_audit_ns_file_msg(AUDIT_INTEGRITY_STATUS, NULL, NULL,
				    "ns_measure_limit", "set", 0,
				    policy->nsid, policy->id, extra);
	return 0;
}

/*
 * The view files: seq_files over &ima_ns_policy.view, whose private data
 * is the policy, held by the open file.  The entries are shown by the
 * global list's show functions, which take the template digest's
 * algorithm from the file's i_private: the view files hold the SHA-1
 * bank's index there, as "ascii_runtime_measurements" does, and find
 * their policy through their directory's.
 */

static void *ima_ns_view_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	struct ima_ns_policy *policy = m->private;

	rcu_read_lock();
	return seq_list_start_rcu(&policy->view, *pos);
}

static void *ima_ns_view_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct ima_ns_policy *policy = m->private;

	return seq_list_next_rcu(v, &policy->view, pos);
}

static void ima_ns_view_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int ima_ns_view_show_binary(struct seq_file *m, void *v)
{
	const struct ima_ns_view_entry *node =
		list_entry(v, struct ima_ns_view_entry, list);

	return ima_measurements_show(m, node->qe);
}

static int ima_ns_view_show_ascii(struct seq_file *m, void *v)
{
	const struct ima_ns_view_entry *node =
		list_entry(v, struct ima_ns_view_entry, list);

	return ima_ascii_measurements_show(m, node->qe);
}

static int ima_ns_view_show_index(struct seq_file *m, void *v)
{
	const struct ima_ns_view_entry *node =
		list_entry(v, struct ima_ns_view_entry, list);

	seq_printf(m, "%lu\n", node->index);
	return 0;
}

static const struct seq_operations ima_ns_view_binary_seqops = {
	.start = ima_ns_view_start,
	.next = ima_ns_view_next,
	.stop = ima_ns_view_stop,
	.show = ima_ns_view_show_binary,
};

static const struct seq_operations ima_ns_view_ascii_seqops = {
	.start = ima_ns_view_start,
	.next = ima_ns_view_next,
	.stop = ima_ns_view_stop,
	.show = ima_ns_view_show_ascii,
};

static const struct seq_operations ima_ns_view_index_seqops = {
	.start = ima_ns_view_start,
	.next = ima_ns_view_next,
	.stop = ima_ns_view_stop,
	.show = ima_ns_view_show_index,
};

/**
 * ima_ns_open_view - open one of a policy's view files
 * @file: the file
 * @ops: the seq_file operations of the file
 *
 * Context: Process context.
 * Return: 0; -ENOENT if the policy governs nothing any more; -EACCES for
 * a write; -EPERM without CAP_SYS_ADMIN in the initial user namespace;
 * -ENOMEM.
 */
static int ima_ns_open_view(struct file *file,
			    const struct seq_operations *ops)
{
	struct ima_ns_policy *policy;
	int err;

	policy = ima_ns_open_dir_file(file, false);
	if (IS_ERR(policy))
		return PTR_ERR(policy);
	err = seq_open(file, ops);
	if (err) {
		ima_ns_policy_put(policy);
		return err;
	}
	((struct seq_file *)file->private_data)->private = policy;
	return 0;
}

static int ima_ns_open_view_binary(struct inode *inode, struct file *file)
{
	return ima_ns_open_view(file, &ima_ns_view_binary_seqops);
}

static int ima_ns_open_view_ascii(struct inode *inode, struct file *file)
{
	return ima_ns_open_view(file, &ima_ns_view_ascii_seqops);
}

static int ima_ns_open_view_index(struct inode *inode, struct file *file)
{
	return ima_ns_open_view(file, &ima_ns_view_index_seqops);
}

/**
 * ima_ns_release_view - close a view file
 * @inode: its inode
 * @file: the file
 *
 * Context: Process context.
 * Return: 0.
 */
static int ima_ns_release_view(struct inode *inode, struct file *file)
{
	struct ima_ns_policy *policy =
		((struct seq_file *)file->private_data)->private;

	seq_release(inode, file);
	ima_ns_policy_put(policy);
	return 0;
}

const struct file_operations ima_ns_view_binary_fops = {
	.open = ima_ns_open_view_binary,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = ima_ns_release_view,
};

const struct file_operations ima_ns_view_ascii_fops = {
	.open = ima_ns_open_view_ascii,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = ima_ns_release_view,
};

const struct file_operations ima_ns_view_index_fops = {
	.open = ima_ns_open_view_index,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = ima_ns_release_view,
};
