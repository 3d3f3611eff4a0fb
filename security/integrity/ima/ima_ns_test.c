// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the parsers behind IMA namespace policies, of the rules
 * that combine policies and reuse cached verdicts, and of the "mntns"
 * template field.
 */

#include <kunit/test.h>
#include <linux/seq_file.h>

#include "ima_ns.h"
#include "ima_template_lib.h"

/**
 * struct ima_ns_id_case - one input of ima_ns_parse_id()
 * @name: what the case is about
 * @input: the bytes written; may hold a NUL
 * @len: how many bytes of @input were written
 * @err: the expected return value
 * @inum: the expected inode number when @err is 0
 * @id: the expected 64-bit id when @err is 0
 */
struct ima_ns_id_case {
	const char *name;
	const char *input;
	size_t len;
	int err;
	unsigned int inum;
	u64 id;
};

#define ID_CASE(_name, _input, _err, _inum, _id) \
	{ _name, _input, sizeof(_input) - 1, _err, _inum, _id }

static const struct ima_ns_id_case ima_ns_id_cases[] = {
	ID_CASE("plain", "4026532208", 0, 4026532208U, 0),
	ID_CASE("newline", "4026532208\n", 0, 4026532208U, 0),
	ID_CASE("small", "7", 0, 7, 0),
	ID_CASE("uint_max", "4294967295", 0, 4294967295U, 0),
	ID_CASE("empty", "", -EINVAL, 0, 0),
	ID_CASE("only_newline", "\n", -EINVAL, 0, 0),
	ID_CASE("two_newlines", "12\n\n", -EINVAL, 0, 0),
	ID_CASE("zero", "0", -EINVAL, 0, 0),
	ID_CASE("leading_zero", "012", -EINVAL, 0, 0),
	ID_CASE("minus", "-1", -EINVAL, 0, 0),
	ID_CASE("plus", "+12", -EINVAL, 0, 0),
	ID_CASE("overflow", "4294967296", -EINVAL, 0, 0),
	ID_CASE("too_long", "40265322081", -EINVAL, 0, 0),
	ID_CASE("letters", "abc", -EINVAL, 0, 0),
	ID_CASE("trailing_garbage", "12abc", -EINVAL, 0, 0),
	ID_CASE("inner_space", "12 34", -EINVAL, 0, 0),
	ID_CASE("leading_space", " 12", -EINVAL, 0, 0),
	ID_CASE("trailing_space", "12 ", -EINVAL, 0, 0),
	ID_CASE("hex", "0x10", -EINVAL, 0, 0),
	/* "12", NUL, "34" */
	ID_CASE("embedded_nul", "12\00034", -EINVAL, 0, 0),
	ID_CASE("id", "mntns:12", 0, 0, 12),
	ID_CASE("id_newline", "mntns:12\n", 0, 0, 12),
	ID_CASE("id_u64_max", "mntns:18446744073709551615", 0, 0, U64_MAX),
	ID_CASE("id_above_uint_max", "mntns:4294967296", 0, 0, 4294967296ULL),
	ID_CASE("id_overflow", "mntns:18446744073709551616", -EINVAL, 0, 0),
	ID_CASE("id_empty", "mntns:", -EINVAL, 0, 0),
	ID_CASE("id_zero", "mntns:0", -EINVAL, 0, 0),
	ID_CASE("id_leading_zero", "mntns:012", -EINVAL, 0, 0),
	ID_CASE("id_space", "mntns: 12", -EINVAL, 0, 0),
	ID_CASE("id_twice", "mntns:mntns:12", -EINVAL, 0, 0),
	ID_CASE("id_upper_case", "MNTNS:12", -EINVAL, 0, 0),
	ID_CASE("id_no_colon", "mntns12", -EINVAL, 0, 0),
};

static void ima_ns_id_case_desc(const struct ima_ns_id_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ima_ns_id, ima_ns_id_cases, ima_ns_id_case_desc);

static void ima_ns_parse_id_test(struct kunit *test)
{
	const struct ima_ns_id_case *c = test->param_value;
	struct ima_ns_ref ref = { 0 };

	KUNIT_EXPECT_EQ(test, ima_ns_parse_id(c->input, c->len, &ref), c->err);
	if (!c->err) {
		KUNIT_EXPECT_EQ(test, ref.inum, c->inum);
		KUNIT_EXPECT_EQ(test, ref.id, c->id);
	}
}

/**
 * struct ima_appraise_mode_case - one value of ima_appraise=
 * @input: the value
 * @mode: the expected IMA_APPRAISE_* bits, or -EINVAL
 */
struct ima_appraise_mode_case {
	const char *input;
	int mode;
};

static const struct ima_appraise_mode_case ima_appraise_mode_cases[] = {
	{ "off", 0 },
	{ "log", IMA_APPRAISE_LOG },
	{ "fix", IMA_APPRAISE_FIX },
	{ "enforce", IMA_APPRAISE_ENFORCE },
	{ "enforce_ns", IMA_APPRAISE_ENFORCE | IMA_APPRAISE_NS },
	/* Only the exact string selects namespaces; the rest stay prefixes. */
	{ "enforce_nsx", IMA_APPRAISE_ENFORCE },
	{ "enforce_n", IMA_APPRAISE_ENFORCE },
	{ "enforcement", IMA_APPRAISE_ENFORCE },
	{ "offline", 0 },
	{ "Enforce", -EINVAL },
	{ "ns", -EINVAL },
	{ "", -EINVAL },
};

static void ima_appraise_mode_desc(const struct ima_appraise_mode_case *c,
				   char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->input);
}

KUNIT_ARRAY_PARAM(ima_appraise_mode, ima_appraise_mode_cases,
		  ima_appraise_mode_desc);

static void ima_appraise_parse_mode_test(struct kunit *test)
{
	const struct ima_appraise_mode_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ima_appraise_parse_mode(c->input), c->mode);
}

/**
 * struct ima_ns_union_case - two policies' results for one access
 * @name: what the case is about
 * @acc: what the policies combined so far ask for
 * @more: what one more policy asks for
 * @want: the expected combination
 */
struct ima_ns_union_case {
	const char *name;
	int acc;
	int more;
	int want;
};

#define APPR	(IMA_APPRAISE | IMA_FILE_APPRAISE)
#define SIG	IMA_DIGSIG_REQUIRED
#define DIO	IMA_PERMIT_DIRECTIO
#define MODSIG	IMA_MODSIG_ALLOWED

static const struct ima_ns_union_case ima_ns_union_cases[] = {
	{ "nothing", 0, 0, 0 },
	{ "namespace_alone", 0, APPR | DIO, APPR | DIO },
	{ "directio_global_only", APPR | DIO, APPR, APPR },
	{ "directio_namespace_only", APPR, APPR | DIO, APPR },
	{ "directio_both", APPR | DIO, APPR | DIO, APPR | DIO },
	{ "directio_of_measure_rule", IMA_MEASURE | DIO, APPR,
	  IMA_MEASURE | APPR },
	{ "directio_measure_only", IMA_MEASURE | DIO, 0, IMA_MEASURE | DIO },
	{ "signature_adds_up", APPR | SIG, APPR, APPR | SIG },
	{ "modsig_needs_both", APPR | SIG | MODSIG, APPR, APPR | SIG },
	{ "modsig_both", APPR | SIG | MODSIG, APPR | SIG | MODSIG,
	  APPR | SIG | MODSIG },
	{ "blacklist_adds_up", APPR, APPR | SIG | IMA_CHECK_BLACKLIST,
	  APPR | SIG | IMA_CHECK_BLACKLIST },
	{ "subactions_add_up", APPR, IMA_APPRAISE | IMA_MMAP_APPRAISE,
	  APPR | IMA_MMAP_APPRAISE },
};

static void ima_ns_union_desc(const struct ima_ns_union_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ima_ns_union, ima_ns_union_cases, ima_ns_union_desc);

static void ima_ns_union_test(struct kunit *test)
{
	const struct ima_ns_union_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ima_ns_union_actions(c->acc, c->more), c->want);
	/* The order in which policies are combined does not matter. */
	KUNIT_EXPECT_EQ(test, ima_ns_union_actions(c->more, c->acc), c->want);
}

/**
 * struct ima_verdict_case - may a cached pass answer for an access?
 * @name: what the case is about
 * @slot: the verdict slot the pass is cached in
 * @cached: the rule flags the pass was reached under
 * @func: the hook of the new access
 * @want: the rule flags of the new access
 * @kept: whether the pass is kept
 */
struct ima_verdict_case {
	const char *name;
	enum ima_verdict_slot slot;
	int cached;
	enum ima_hooks func;
	int want;
	bool kept;
};

#define S_FILE	IMA_VERDICT_FILE
#define S_MMAP	IMA_VERDICT_MMAP

/* The IMA_<hook>_APPRAISED flag of each slot the cases use. */
static const unsigned long ima_verdict_flag[] = {
	[IMA_VERDICT_FILE] = IMA_FILE_APPRAISED,
	[IMA_VERDICT_MMAP] = IMA_MMAP_APPRAISED,
};

static const struct ima_verdict_case ima_verdict_cases[] = {
	{ "hash_for_hash", S_FILE, 0, FILE_CHECK, 0, true },
	{ "signature_for_hash", S_FILE, SIG, FILE_CHECK, 0, true },
	{ "hash_for_signature", S_FILE, 0, FILE_CHECK, SIG, false },
	{ "signature_for_blacklist", S_FILE, SIG, FILE_CHECK,
	  SIG | IMA_CHECK_BLACKLIST, false },
	{ "modsig_for_xattr_signature", S_FILE, SIG | MODSIG, FILE_CHECK,
	  SIG, false },
	{ "xattr_signature_for_modsig", S_FILE, SIG, FILE_CHECK,
	  SIG | MODSIG, true },
	{ "verity_for_file_hash", S_FILE, SIG | IMA_VERITY_REQUIRED,
	  FILE_CHECK, SIG, false },
	{ "file_hash_for_verity", S_FILE, SIG, FILE_CHECK,
	  SIG | IMA_VERITY_REQUIRED, false },
	{ "directio_is_no_requirement", S_FILE, DIO, FILE_CHECK, 0, true },
	{ "other_hook_untouched", S_MMAP, 0, FILE_CHECK, SIG, true },
	{ "mmap_hooks_share_a_slot", S_MMAP, 0, MMAP_CHECK_REQPROT, SIG,
	  false },
	{ "setattr_uses_file_slot", S_FILE, 0, POST_SETATTR, SIG, false },
};

static void ima_verdict_desc(const struct ima_verdict_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ima_verdict, ima_verdict_cases, ima_verdict_desc);

static void ima_forget_unfit_verdict_test(struct kunit *test)
{
	const struct ima_verdict_case *c = test->param_value;
	unsigned long appraised = ima_verdict_flag[c->slot];
	struct ima_iint_cache *iint;

	iint = kunit_kzalloc(test, sizeof(*iint), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iint);
	mutex_init(&iint->mutex);

	/* A pass cached as ima_appraise_measurement() leaves it. */
	mutex_lock(&iint->mutex);
	iint->flags = IMA_APPRAISE | IMA_APPRAISED | appraised | c->cached;
	iint->verdict_reqs[c->slot] = (c->cached & IMA_VERDICT_REQS) >>
				      IMA_VERDICT_REQS_SHIFT;

	ima_forget_unfit_verdict(iint, c->func, IMA_APPRAISE | c->want);
	KUNIT_EXPECT_EQ(test, !!(iint->flags & appraised), c->kept);
	mutex_unlock(&iint->mutex);
	mutex_destroy(&iint->mutex);
}

/**
 * struct ima_ns_mode_case - one write to a namespace policy's mode file
 * @input: the text written, NUL-terminated
 * @mode: the expected enum ima_ns_mode, or -EINVAL
 */
struct ima_ns_mode_case {
	const char *input;
	int mode;
};

static const struct ima_ns_mode_case ima_ns_mode_cases[] = {
	{ "enforce", IMA_NS_ENFORCE },
	{ "enforce\n", IMA_NS_ENFORCE },
	{ "log", IMA_NS_LOG },
	{ "log\n", IMA_NS_LOG },
	{ "", -EINVAL },
	{ "\n", -EINVAL },
	{ "log\n\n", -EINVAL },
	{ "log ", -EINVAL },
	{ " log", -EINVAL },
	{ "Log", -EINVAL },
	{ "permissive", -EINVAL },
	{ "enforce\nlog", -EINVAL },
	{ "lo", -EINVAL },
};

static void ima_ns_mode_desc(const struct ima_ns_mode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->input);
}

KUNIT_ARRAY_PARAM(ima_ns_mode, ima_ns_mode_cases, ima_ns_mode_desc);

static void ima_ns_parse_mode_test(struct kunit *test)
{
	const struct ima_ns_mode_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ima_ns_parse_mode(c->input), c->mode);
}

/**
 * struct ima_ns_trial_case - log-mode rules next to enforced ones
 * @name: what the case is about
 * @action: what the enforced policies ask for
 * @algos: the algorithms they allow, 0 for any
 * @trial: what the log-mode policies ask for
 * @trial_algos: the algorithms those allow, 0 for any
 * @want: the expected combined actions and rule flags
 * @want_algos: the expected combined algorithms
 * @more: whether the log-mode policies add a requirement
 */
struct ima_ns_trial_case {
	const char *name;
	int action;
	unsigned int algos;
	int trial;
	unsigned int trial_algos;
	int want;
	unsigned int want_algos;
	bool more;
};

#define SHA1	BIT(HASH_ALGO_SHA1)
#define SHA256	BIT(HASH_ALGO_SHA256)

static const struct ima_ns_trial_case ima_ns_trial_cases[] = {
	{ "log_alone", 0, 0, APPR, 0, APPR, 0, false },
	{ "log_alone_signature", 0, 0, APPR | SIG, SHA256, APPR | SIG,
	  SHA256, true },
	{ "same_as_enforced", APPR, 0, APPR, 0, APPR, 0, false },
	{ "less_than_enforced", APPR | SIG, SHA256, APPR, 0, APPR | SIG,
	  SHA256, false },
	{ "signature_more", APPR, 0, APPR | SIG, 0, APPR | SIG, 0, true },
	{ "algorithms_fewer", APPR, SHA1 | SHA256, APPR, SHA256, APPR,
	  SHA256, true },
	{ "algorithms_same", APPR, SHA256, APPR, SHA256, APPR, SHA256,
	  false },
	{ "directio_withheld", APPR | DIO, 0, APPR, 0, APPR, 0, true },
	{ "directio_both", APPR | DIO, 0, APPR | DIO, 0, APPR | DIO, 0,
	  false },
	{ "audit_rule_ignored", APPR, 0, APPR | IMA_AUDIT, 0, APPR, 0,
	  false },
	{ "measure_rule_ignored", APPR, 0, APPR | IMA_MEASURE, 0, APPR, 0,
	  false },
};

static void ima_ns_trial_desc(const struct ima_ns_trial_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ima_ns_trial, ima_ns_trial_cases, ima_ns_trial_desc);

static void ima_ns_add_trial_test(struct kunit *test)
{
	const struct ima_ns_trial_case *c = test->param_value;
	const struct ima_ns_trial trial = {
		.action = c->trial,
		.allowed_algos = c->trial_algos,
	};
	unsigned int algos = c->algos;
	int action = c->action;

	KUNIT_EXPECT_EQ(test, ima_ns_add_trial(&action, &algos, &trial),
			c->more);
	KUNIT_EXPECT_EQ(test, action, c->want);
	KUNIT_EXPECT_EQ(test, algos, c->want_algos);
}

/**
 * struct ima_mntns_case - one namespace in the "mntns" template field
 * @name: what the case is about
 * @inum: the nsfs inode number
 * @id: the 64-bit id
 * @ascii: what the ASCII list shows
 */
struct ima_mntns_case {
	const char *name;
	unsigned int inum;
	u64 id;
	const char *ascii;
};

static const struct ima_mntns_case ima_mntns_cases[] = {
	{ "global_policy", 0, 0, "0:0" },
	{ "first_namespace", 4026531840U, 1, "4026531840:1" },
	{ "largest", U32_MAX, U64_MAX, "4294967295:18446744073709551615" },
	{ "id_above_32_bits", 4026532056U, 0x100000002ULL,
	  "4026532056:4294967298" },
};

static void ima_mntns_desc(const struct ima_mntns_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ima_mntns, ima_mntns_cases, ima_mntns_desc);

/* The field's bytes in the host's order, and what the ASCII list shows. */
static void ima_mntns_field_test(struct kunit *test)
{
	const struct ima_mntns_case *c = test->param_value;
	struct ima_event_data event_data = {
		.mnt_ns_inum = c->inum,
		.mnt_ns_id = c->id,
	};
	struct ima_field_data field = {};
	struct seq_file m = {};
	char shown[48] = {};
	u32 inum;
	u64 id;

	if (ima_canonical_fmt)
		kunit_skip(test, "booted with ima_canonical_fmt");
	KUNIT_ASSERT_EQ(test, ima_eventmntns_init(&event_data, &field), 0);
	KUNIT_ASSERT_EQ(test, field.len, sizeof(inum) + sizeof(id));
	memcpy(&inum, field.data, sizeof(inum));
	memcpy(&id, field.data + sizeof(inum), sizeof(id));
	KUNIT_EXPECT_EQ(test, inum, c->inum);
	KUNIT_EXPECT_EQ(test, id, c->id);

	m.buf = shown;
	m.size = sizeof(shown) - 1;
	ima_show_template_mntns(&m, IMA_SHOW_ASCII, &field);
	KUNIT_EXPECT_STREQ(test, shown, c->ascii);
	kfree(field.data);
}

static struct kunit_case ima_ns_test_cases[] = {
	KUNIT_CASE_PARAM(ima_ns_parse_id_test, ima_ns_id_gen_params),
	KUNIT_CASE_PARAM(ima_appraise_parse_mode_test,
			 ima_appraise_mode_gen_params),
	KUNIT_CASE_PARAM(ima_ns_union_test, ima_ns_union_gen_params),
	KUNIT_CASE_PARAM(ima_forget_unfit_verdict_test,
			 ima_verdict_gen_params),
	KUNIT_CASE_PARAM(ima_ns_parse_mode_test, ima_ns_mode_gen_params),
	KUNIT_CASE_PARAM(ima_ns_add_trial_test, ima_ns_trial_gen_params),
	KUNIT_CASE_PARAM(ima_mntns_field_test, ima_mntns_gen_params),
	{}
};

static struct kunit_suite ima_ns_test_suite = {
	.name = "ima_ns",
	.test_cases = ima_ns_test_cases,
};

kunit_test_suite(ima_ns_test_suite);
