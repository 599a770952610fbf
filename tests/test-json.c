/* SPDX-License-Identifier: MIT */
/*
 * src/util/json: the streaming JSON writer, into an open_memstream buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "util/json.h"

struct out {
	FILE *f;
	char *buf;
	size_t len;
	struct json j;
};

static void
out_open(struct out *o, bool pretty)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	ck_assert_ptr_nonnull(o->f);
	json_init(&o->j, o->f, pretty);
}

/* Close the stream, compare with want, free. */
static void
out_check(struct out *o, const char *want)
{
	ck_assert_int_eq(fclose(o->f), 0);
	ck_assert_msg(o->len == strlen(want) && memcmp(o->buf, want, o->len) == 0,
		      "got:\n%s\nwant:\n%s", o->buf, want);
	free(o->buf);
}

START_TEST(json_scalars)
{
	struct out o;
	out_open(&o, false);
	json_int(&o.j, -42);
	json_end(&o.j);
	out_check(&o, "-42\n");

	out_open(&o, false);
	json_array_begin(&o.j);
	json_int(&o.j, 0);
	json_int(&o.j, 9223372036854775807LL);
	json_int(&o.j, -9223372036854775807LL - 1);
	json_bool(&o.j, true);
	json_bool(&o.j, false);
	json_null(&o.j);
	json_number_text(&o.j, "99.9");
	json_number_text(&o.j, "-0.5");
	json_string(&o.j, "");
	json_array_end(&o.j);
	json_end(&o.j);
	out_check(&o,
		  "[0,9223372036854775807,-9223372036854775808,true,false,null,99.9,-0.5,\"\"]\n");
}
END_TEST

START_TEST(json_empty_containers)
{
	struct out o;
	out_open(&o, false);
	json_object_begin(&o.j);
	json_object_end(&o.j);
	json_end(&o.j);
	out_check(&o, "{}\n");

	out_open(&o, true);
	json_array_begin(&o.j);
	json_array_end(&o.j);
	json_end(&o.j);
	out_check(&o, "[]\n");

	out_open(&o, false);
	json_array_begin(&o.j);
	json_array_begin(&o.j);
	json_array_end(&o.j);
	json_object_begin(&o.j);
	json_object_end(&o.j);
	json_array_end(&o.j);
	json_end(&o.j);
	out_check(&o, "[[],{}]\n");
}
END_TEST

static void
write_nested(struct json *j)
{
	json_object_begin(j);
	json_key(j, "key");
	json_string(j, "acme-cloud");
	json_key(j, "services");
	json_array_begin(j);
	json_string(j, "HSM hosting");
	json_string(j, "Remote signing");
	json_array_end(j);
	json_key(j, "contacts");
	json_array_begin(j);
	json_object_begin(j);
	json_key(j, "name");
	json_string(j, "Jane Roe");
	json_key(j, "email");
	json_string(j, NULL);
	json_object_end(j);
	json_object_begin(j);
	json_object_end(j);
	json_array_end(j);
	json_key(j, "empty");
	json_array_begin(j);
	json_array_end(j);
	json_key(j, "n");
	json_int(j, 3);
	json_key(j, "deep");
	json_object_begin(j);
	json_key(j, "a");
	json_array_begin(j);
	json_array_begin(j);
	json_int(j, 1);
	json_array_end(j);
	json_int(j, 2);
	json_array_end(j);
	json_object_end(j);
	json_object_end(j);
	json_end(j);
}

START_TEST(json_nested_compact)
{
	struct out o;
	out_open(&o, false);
	write_nested(&o.j);
	out_check(&o, "{\"key\":\"acme-cloud\",\"services\":[\"HSM hosting\",\"Remote signing\"],"
		      "\"contacts\":[{\"name\":\"Jane Roe\",\"email\":null},{}],\"empty\":[],"
		      "\"n\":3,\"deep\":{\"a\":[[1],2]}}\n");
}
END_TEST

START_TEST(json_nested_pretty)
{
	struct out o;
	out_open(&o, true);
	write_nested(&o.j);
	out_check(&o, "{\n"
		      "  \"key\": \"acme-cloud\",\n"
		      "  \"services\": [\n"
		      "    \"HSM hosting\",\n"
		      "    \"Remote signing\"\n"
		      "  ],\n"
		      "  \"contacts\": [\n"
		      "    {\n"
		      "      \"name\": \"Jane Roe\",\n"
		      "      \"email\": null\n"
		      "    },\n"
		      "    {}\n"
		      "  ],\n"
		      "  \"empty\": [],\n"
		      "  \"n\": 3,\n"
		      "  \"deep\": {\n"
		      "    \"a\": [\n"
		      "      [\n"
		      "        1\n"
		      "      ],\n"
		      "      2\n"
		      "    ]\n"
		      "  }\n"
		      "}\n");
}
END_TEST

/* Two documents in one stream (a writer reused after json_end): no stray
 * comma carried over from the first. */
START_TEST(json_two_documents)
{
	struct out o;
	out_open(&o, false);
	json_array_begin(&o.j);
	json_int(&o.j, 1);
	json_array_end(&o.j);
	json_end(&o.j);
	json_array_begin(&o.j);
	json_int(&o.j, 2);
	json_array_end(&o.j);
	json_end(&o.j);
	out_check(&o, "[1]\n[2]\n");
}
END_TEST

START_TEST(json_escaping)
{
	struct out o;
	out_open(&o, false);
	json_array_begin(&o.j);
	json_string(&o.j, "say \"hi\"");
	json_string(&o.j, "C:\\path\\");
	json_string(&o.j, "a\nb\tc\rd");
	json_string(&o.j, "\x01\x08\x0c\x1f\x7f");
	json_string(&o.j, "/ stays /");
	json_string(&o.j, "Grüße €");
	json_array_end(&o.j);
	json_end(&o.j);
	out_check(&o, "[\"say \\\"hi\\\"\",\"C:\\\\path\\\\\",\"a\\nb\\tc\\rd\","
		      "\"\\u0001\\u0008\\u000c\\u001f\\u007f\",\"/ stays /\",\"Grüße €\"]\n");
}
END_TEST

START_TEST(json_escaping_keys)
{
	struct out o;
	out_open(&o, false);
	json_object_begin(&o.j);
	json_key(&o.j, "we\"ird\\key\n");
	json_string(&o.j, NULL);
	json_object_end(&o.j);
	json_end(&o.j);
	out_check(&o, "{\"we\\\"ird\\\\key\\n\":null}\n");
}
END_TEST

START_TEST(json_string_n_embedded_nul)
{
	struct out o;
	out_open(&o, false);
	json_array_begin(&o.j);
	json_string_n(&o.j, "a\0b", 3);
	json_string_n(&o.j, "abcdef", 2);
	json_string_n(&o.j, "", 0);
	json_array_end(&o.j);
	json_end(&o.j);
	out_check(&o, "[\"a\\u0000b\",\"ab\",\"\"]\n");
}
END_TEST

START_TEST(json_null_strings)
{
	struct out o;
	out_open(&o, false);
	json_object_begin(&o.j);
	json_key(&o.j, "a");
	json_string(&o.j, NULL);
	json_key(&o.j, "b");
	json_array_begin(&o.j);
	json_string(&o.j, NULL);
	json_string(&o.j, "x");
	json_string(&o.j, NULL);
	json_array_end(&o.j);
	json_object_end(&o.j);
	json_end(&o.j);
	out_check(&o, "{\"a\":null,\"b\":[null,\"x\",null]}\n");
}
END_TEST

/* Every byte 0x00..0x7f round-trips into a valid JSON escape or itself. */
START_TEST(json_all_ascii)
{
	char in[128];
	for (int i = 0; i < 128; i++)
		in[i] = (char)i;
	struct out o;
	out_open(&o, false);
	json_string_n(&o.j, in, sizeof(in));
	ck_assert_int_eq(fclose(o.f), 0);
	/* No raw control character may appear in the output. */
	for (size_t i = 0; i < o.len; i++)
		ck_assert_msg((unsigned char)o.buf[i] >= 0x20 && (unsigned char)o.buf[i] != 0x7f,
			      "raw control 0x%02x at %zu", (unsigned char)o.buf[i], i);
	ck_assert_ptr_nonnull(strstr(o.buf, "\\u0000"));
	ck_assert_ptr_nonnull(strstr(o.buf, "\\u001b"));
	ck_assert_ptr_nonnull(strstr(o.buf, " !\\\"#"));
	ck_assert_ptr_nonnull(strstr(o.buf, "[\\\\]"));
	ck_assert_int_eq(o.buf[0], '"');
	ck_assert_int_eq(o.buf[o.len - 1], '"');
	free(o.buf);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("structure");
	tcase_add_test(tc, json_scalars);
	tcase_add_test(tc, json_empty_containers);
	tcase_add_test(tc, json_nested_compact);
	tcase_add_test(tc, json_nested_pretty);
	tcase_add_test(tc, json_two_documents);
	suite_add_tcase(s, tc);

	tc = tcase_create("strings");
	tcase_add_test(tc, json_escaping);
	tcase_add_test(tc, json_escaping_keys);
	tcase_add_test(tc, json_string_n_embedded_nul);
	tcase_add_test(tc, json_null_strings);
	tcase_add_test(tc, json_all_ascii);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(json_suite());
}
