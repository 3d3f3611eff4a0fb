// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the parsers behind IMA namespace policies.
 */

#include <kunit/test.h>

#include "ima_ns.h"

/**
 * struct ima_ns_id_case - one input of ima_ns_parse_id()
 * @name: what the case is about
 * @input: the bytes written; may hold a NUL
 * @len: how many bytes of @input were written
 * @err: the expected return value
 * @nsid: the expected id when @err is 0
 */
struct ima_ns_id_case {
	const char *name;
	const char *input;
	size_t len;
	int err;
	unsigned int nsid;
};

#define ID_CASE(_name, _input, _err, _nsid) \
	{ _name, _input, sizeof(_input) - 1, _err, _nsid }

static const struct ima_ns_id_case ima_ns_id_cases[] = {
	ID_CASE("plain", "4026532208", 0, 4026532208U),
	ID_CASE("newline", "4026532208\n", 0, 4026532208U),
	ID_CASE("small", "7", 0, 7),
	ID_CASE("uint_max", "4294967295", 0, 4294967295U),
	ID_CASE("empty", "", -EINVAL, 0),
	ID_CASE("only_newline", "\n", -EINVAL, 0),
	ID_CASE("two_newlines", "12\n\n", -EINVAL, 0),
	ID_CASE("zero", "0", -EINVAL, 0),
	ID_CASE("leading_zero", "012", -EINVAL, 0),
	ID_CASE("minus", "-1", -EINVAL, 0),
	ID_CASE("plus", "+12", -EINVAL, 0),
	ID_CASE("overflow", "4294967296", -EINVAL, 0),
	ID_CASE("too_long", "40265322081", -EINVAL, 0),
	ID_CASE("letters", "abc", -EINVAL, 0),
	ID_CASE("trailing_garbage", "12abc", -EINVAL, 0),
	ID_CASE("inner_space", "12 34", -EINVAL, 0),
	ID_CASE("leading_space", " 12", -EINVAL, 0),
	ID_CASE("trailing_space", "12 ", -EINVAL, 0),
	ID_CASE("hex", "0x10", -EINVAL, 0),
	/* "12", NUL, "34" */
	ID_CASE("embedded_nul", "12\00034", -EINVAL, 0),
};

static void ima_ns_id_case_desc(const struct ima_ns_id_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ima_ns_id, ima_ns_id_cases, ima_ns_id_case_desc);

static void ima_ns_parse_id_test(struct kunit *test)
{
	const struct ima_ns_id_case *c = test->param_value;
	unsigned int nsid = 0;

	KUNIT_EXPECT_EQ(test, ima_ns_parse_id(c->input, c->len, &nsid), c->err);
	if (!c->err)
		KUNIT_EXPECT_EQ(test, nsid, c->nsid);
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

static void ima_ns_mode_bit_test(struct kunit *test)
{
	int used = IMA_APPRAISE_ENFORCE | IMA_APPRAISE_FIX | IMA_APPRAISE_LOG |
		   IMA_APPRAISE_MODULES | IMA_APPRAISE_FIRMWARE |
		   IMA_APPRAISE_POLICY | IMA_APPRAISE_KEXEC;

	KUNIT_EXPECT_EQ(test, IMA_APPRAISE_NS & used, 0);
}

static struct kunit_case ima_ns_test_cases[] = {
	KUNIT_CASE_PARAM(ima_ns_parse_id_test, ima_ns_id_gen_params),
	KUNIT_CASE_PARAM(ima_appraise_parse_mode_test,
			 ima_appraise_mode_gen_params),
	KUNIT_CASE(ima_ns_mode_bit_test),
	{}
};

static struct kunit_suite ima_ns_test_suite = {
	.name = "ima_ns",
	.test_cases = ima_ns_test_cases,
};

kunit_test_suite(ima_ns_test_suite);
