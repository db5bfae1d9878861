/* The base layer: hash map, interned point sets, order statistics, growth. */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check_pathtrace.h"
#include "base/grow.h"
#include "base/hmap.h"
#include "base/pset.h"
#include "base/stats.h"

struct item {
	struct pt_hmap_node node;
	int id;
};

/* The ids found under hash h in visiting order; how many (at most max). */
static size_t ids_with_hash(const struct pt_hmap *m, uint64_t h, int *out, size_t max)
{
	size_t n = 0;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, m)
	{
		if (n < max)
			out[n++] = PT_CONTAINER_OF(node, struct item, node)->id;
	}
	return n;
}

START_TEST(test_hmap_insert_find)
{
	struct pt_hmap m;
	pt_hmap_init(&m);
	ck_assert_ptr_null(pt_hmap_first_with_hash(&m, 5));
	/* 5 and 21 share a bucket in a 16-bucket table: lookups must still
	 * tell the hashes apart. */
	struct item a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };
	ck_assert(pt_hmap_insert(&m, &a.node, 5) && pt_hmap_insert(&m, &b.node, 21) && pt_hmap_insert(&m, &c.node, 7));
	ck_assert_uint_eq(pt_hmap_count(&m), 3);
	ck_assert_ptr_eq(pt_hmap_first_with_hash(&m, 5), &a.node);
	ck_assert_ptr_null(pt_hmap_next_with_hash(&a.node));
	ck_assert_ptr_eq(pt_hmap_first_with_hash(&m, 21), &b.node);
	ck_assert_ptr_null(pt_hmap_next_with_hash(&b.node));
	ck_assert_ptr_eq(pt_hmap_first_with_hash(&m, 7), &c.node);
	ck_assert_ptr_null(pt_hmap_first_with_hash(&m, 37));
	pt_hmap_destroy(&m);
}
END_TEST

START_TEST(test_hmap_newest_first_across_growth)
{
	enum { OTHERS = 6000, SAME = 7 };
	const uint64_t h = 0x1234567890abcdefull;
	struct item *others = calloc(OTHERS, sizeof *others);
	struct item same[SAME];
	ck_assert_ptr_nonnull(others);
	struct pt_hmap m;
	pt_hmap_init(&m);
	size_t ns = 0;
	for (int i = 0; i < OTHERS; i++) {
		/* One insert under h every 1000 others, so the h nodes straddle
		 * several doublings; every other node shares h's low 32 bits and
		 * so its bucket, to interleave them in the chain. */
		if (i % 1000 == 0) {
			same[ns].id = (int)ns;
			ck_assert(pt_hmap_insert(&m, &same[ns++].node, h));
		}
		uint64_t oh = i % 2 ? pt_hash_bytes(&i, sizeof i, 7)
				    : ((uint64_t)(i + 1) << 32) | (h & 0xffffffffu);
		ck_assert(pt_hmap_insert(&m, &others[i].node, oh));
	}
	same[ns].id = (int)ns;
	ck_assert(pt_hmap_insert(&m, &same[ns++].node, h));
	ck_assert_uint_eq(ns, SAME);
	ck_assert_uint_eq(pt_hmap_count(&m), OTHERS + SAME);
	ck_assert_uint_ge(m.mask + 1, 4096); /* it did grow, several times */
	int got[SAME + 1];
	ck_assert_uint_eq(ids_with_hash(&m, h, got, SAME + 1), SAME);
	for (int k = 0; k < SAME; k++)
		ck_assert_int_eq(got[k], SAME - 1 - k);
	ck_assert_ptr_eq(pt_hmap_first_with_hash(&m, (4001ull << 32) | (h & 0xffffffffu)), &others[4000].node);
	pt_hmap_destroy(&m);
	free(others);
}
END_TEST

START_TEST(test_hmap_remove)
{
	struct pt_hmap m;
	pt_hmap_init(&m);
	struct item it[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };
	for (int i = 0; i < 3; i++)
		pt_hmap_insert(&m, &it[i].node, 9);
	pt_hmap_insert(&m, &it[3].node, 9 + 16); /* same bucket, other hash */
	int got[4];
	pt_hmap_remove(&m, &it[1].node); /* the middle of the 9 chain */
	ck_assert_uint_eq(pt_hmap_count(&m), 3);
	ck_assert_uint_eq(ids_with_hash(&m, 9, got, 4), 2);
	ck_assert(got[0] == 2 && got[1] == 0);
	ck_assert_ptr_eq(pt_hmap_first_with_hash(&m, 25), &it[3].node);
	pt_hmap_remove(&m, &it[2].node);
	ck_assert(ids_with_hash(&m, 9, got, 4) == 1 && got[0] == 0);
	pt_hmap_remove(&m, &it[0].node);
	pt_hmap_remove(&m, &it[3].node);
	ck_assert(pt_hmap_count(&m) == 0 && !pt_hmap_first_with_hash(&m, 9));
	pt_hmap_destroy(&m);
}
END_TEST

START_TEST(test_hash_stable)
{
	char x[] = "abc", y[] = "abc", z[] = "a\0";
	ck_assert_uint_eq(pt_hash_bytes(x, 3, 0), pt_hash_bytes(y, 3, 0));
	ck_assert_uint_ne(pt_hash_bytes(x, 3, 0), pt_hash_bytes(x, 3, 1));
	ck_assert_uint_ne(pt_hash_bytes(z, 1, 0), pt_hash_bytes(z, 2, 0));
	ck_assert_uint_ne(pt_hash_bytes("", 0, 0), pt_hash_bytes(z, 1, 0));
	ck_assert_uint_eq(pt_hash_string(x), pt_hash_string(y));
	ck_assert_uint_eq(pt_hash_string(y), pt_hash_bytes(x, 3, 0));
	ck_assert_uint_ne(pt_hash_string("abd"), pt_hash_string(x));
	/* Buckets are hash & mask: consecutive keys must spread over the low
	 * bits (4096 keys in 256 buckets: 16 expected in each). */
	unsigned buckets[256] = { 0 };
	for (uint64_t i = 0; i < 4096; i++)
		buckets[pt_hash_bytes(&i, sizeof i, 0) & 255]++;
	for (unsigned b = 0; b < 256; b++)
		ck_assert_msg(buckets[b] >= 3 && buckets[b] <= 40, "bucket %u holds %u of 4096", b, buckets[b]);
}
END_TEST

/* A set from a list of members, through the builder. */
static pt_pset build(struct pt_psets *t, const unsigned *m, size_t n)
{
	struct pt_pset_builder b;
	pt_pset_builder_init(&b);
	for (size_t i = 0; i < n; i++)
		pt_pset_builder_add(&b, m[i]);
	return pt_pset_builder_done(&b, t);
}

/* Builder, pt_pset_with and pt_pset_union all reach the same id. */
START_TEST(test_pset_intern)
{
	struct pt_psets *t = pt_psets_new();
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(build(t, NULL, 0), PT_PSET_EMPTY);
	const unsigned m1[] = { 3, 70, 5 }, m2[] = { 70, 5, 3, 5 };
	pt_pset s = build(t, m1, 3);
	ck_assert_uint_ne(s, PT_PSET_EMPTY);
	ck_assert_uint_eq(build(t, m2, 4), s);
	ck_assert_uint_eq(pt_pset_with(t, pt_pset_with(t, pt_pset_with(t, PT_PSET_EMPTY, 70), 3), 5), s);
	pt_pset a = pt_pset_with(t, PT_PSET_EMPTY, 3), b = pt_pset_with(t, pt_pset_with(t, PT_PSET_EMPTY, 5), 70);
	ck_assert_uint_eq(pt_pset_union(t, a, b), s);
	ck_assert_uint_eq(pt_pset_union(t, b, a), s);
	ck_assert(a != s && a != b && b != s);
	ck_assert_uint_eq(pt_pset_union(t, s, s), s);
	ck_assert_uint_eq(pt_pset_union(t, s, a), s); /* a subset: interned again, same id */
	ck_assert_uint_eq(pt_pset_union(t, s, PT_PSET_EMPTY), s);
	ck_assert_uint_eq(pt_pset_union(t, PT_PSET_EMPTY, s), s);
	ck_assert_uint_eq(pt_pset_union(t, PT_PSET_EMPTY, PT_PSET_EMPTY), PT_PSET_EMPTY);
	ck_assert_uint_eq(pt_psets_failures(t), 0);
	pt_psets_free(t);
}
END_TEST

START_TEST(test_pset_members)
{
	struct pt_psets *t = pt_psets_new();
	const unsigned m[] = { 130, 0, 64, 5, 63 }, want[] = { 0, 5, 63, 64, 130 };
	pt_pset s = build(t, m, 5);
	ck_assert_uint_eq(pt_pset_count(t, s), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert(pt_pset_has(t, s, want[i]));
	const unsigned absent[] = { 1, 4, 6, 62, 65, 127, 129, 131, 191, 192, 1000 };
	for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
		ck_assert_msg(!pt_pset_has(t, s, absent[i]), "has %u", absent[i]);
	size_t k = 0;
	for (long i = pt_pset_next(t, s, 0); i >= 0; i = pt_pset_next(t, s, (unsigned)i + 1)) {
		ck_assert_uint_lt(k, 5);
		ck_assert_int_eq(i, want[k++]);
	}
	ck_assert_uint_eq(k, 5);
	ck_assert_int_eq(pt_pset_next(t, s, 64), 64);
	ck_assert_int_eq(pt_pset_next(t, s, 65), 130);
	ck_assert_int_eq(pt_pset_next(t, s, 131), -1);
	ck_assert(pt_pset_next(t, PT_PSET_EMPTY, 0) == -1 && pt_pset_count(t, PT_PSET_EMPTY) == 0);
	ck_assert(pt_pset_meets(t, s, pt_pset_with(t, PT_PSET_EMPTY, 5)));
	ck_assert(pt_pset_meets(t, pt_pset_with(t, PT_PSET_EMPTY, 130), s));
	ck_assert(!pt_pset_meets(t, s, pt_pset_with(t, PT_PSET_EMPTY, 6)));
	ck_assert(!pt_pset_meets(t, s, pt_pset_with(t, PT_PSET_EMPTY, 700)));
	ck_assert(!pt_pset_meets(t, s, PT_PSET_EMPTY));
	pt_psets_free(t);
}
END_TEST

START_TEST(test_pset_large_members)
{
	struct pt_psets *t = pt_psets_new();
	struct pt_pset_builder b;
	pt_pset_builder_init(&b);
	pt_pset_builder_add(&b, 2);
	ck_assert_ptr_eq(b.w, b.inl);
	pt_pset_builder_add(&b, 300);
	ck_assert_ptr_ne(b.w, b.inl); /* past the 256 inline bits */
	pt_pset_builder_add(&b, 1000);
	ck_assert(pt_pset_builder_has(&b, 2) && pt_pset_builder_has(&b, 300) && pt_pset_builder_has(&b, 1000));
	ck_assert(!pt_pset_builder_has(&b, 999) && !pt_pset_builder_empty(&b));
	pt_pset s = pt_pset_builder_done(&b, t);
	ck_assert_uint_eq(pt_pset_count(t, s), 3);
	ck_assert(pt_pset_next(t, s, 0) == 2 && pt_pset_next(t, s, 3) == 300);
	ck_assert(pt_pset_next(t, s, 301) == 1000 && pt_pset_next(t, s, 1001) == -1);
	size_t nw;
	const uint64_t *w = pt_pset_words(t, s, &nw);
	ck_assert_uint_eq(nw, 16);
	ck_assert(w[15] == 1ull << (1000 % 64) && w[4] == 1ull << (300 % 64));
	pt_pset two = pt_pset_with(t, PT_PSET_EMPTY, 2);
	ck_assert_uint_eq(pt_pset_with(t, pt_pset_with(t, two, 1000), 300), s);
	ck_assert_uint_eq(pt_pset_union(t, pt_pset_with(t, two, 300), pt_pset_with(t, PT_PSET_EMPTY, 1000)), s);
	ck_assert_uint_eq(pt_pset_with(t, s, 300), s);
	ck_assert(pt_pset_meets(t, s, pt_pset_with(t, PT_PSET_EMPTY, 1000)));
	pt_psets_free(t);
}
END_TEST

START_TEST(test_pset_many)
{
	enum { N = 4000 };
	struct pt_psets *t = pt_psets_new();
	pt_pset *ids = calloc(N, sizeof *ids);
	ck_assert_ptr_nonnull(ids);
	const unsigned first[] = { 1, 2 };
	pt_pset early = build(t, first, 2);
	for (unsigned i = 0; i < N; i++) {
		const unsigned m[] = { i % 300, 300 + i };
		ids[i] = build(t, m, 2);
		ck_assert_uint_ne(ids[i], PT_PSET_EMPTY);
		if (i)
			ck_assert_uint_ne(ids[i], ids[i - 1]);
	}
	/* Entries and pool moved many times over: nothing may have shifted. */
	ck_assert_uint_eq(build(t, first, 2), early);
	ck_assert(pt_pset_count(t, early) == 2 && pt_pset_has(t, early, 1) && pt_pset_has(t, early, 2));
	for (unsigned i = 0; i < N; i++) {
		ck_assert_uint_eq(pt_pset_count(t, ids[i]), 2);
		ck_assert(pt_pset_has(t, ids[i], i % 300) && pt_pset_has(t, ids[i], 300 + i));
		ck_assert_int_eq(pt_pset_next(t, ids[i], i % 300 + 1), 300 + i);
		ck_assert_uint_eq(pt_pset_with(t, pt_pset_with(t, PT_PSET_EMPTY, 300 + i), i % 300), ids[i]);
	}
	ck_assert_uint_eq(pt_psets_failures(t), 0);
	free(ids);
	pt_psets_free(t);
}
END_TEST

START_TEST(test_pset_words_trimmed)
{
	struct pt_psets *t = pt_psets_new();
	size_t nw = 99;
	ck_assert(pt_pset_words(t, PT_PSET_EMPTY, &nw) == NULL && nw == 0);
	/* The builder holds 4 words; only the first is used. */
	const unsigned five[] = { 5 };
	const uint64_t *w = pt_pset_words(t, build(t, five, 1), &nw);
	ck_assert(nw == 1 && w[0] == 1u << 5);
	w = pt_pset_words(t, pt_pset_with(t, PT_PSET_EMPTY, 130), &nw);
	ck_assert_uint_eq(nw, 3);
	ck_assert(w[0] == 0 && w[1] == 0 && w[2] == 1u << 2);
	pt_psets_free(t);
}
END_TEST

START_TEST(test_quantile_type7)
{
	const int64_t v[] = { 1, 2, 3, 4 };
	ck_assert_double_eq_tol(pt_quantile(v, 4, 0.0), 1.0, 1e-12);
	ck_assert_double_eq_tol(pt_quantile(v, 4, 0.25), 1.75, 1e-12);
	ck_assert_double_eq_tol(pt_quantile(v, 4, 0.5), 2.5, 1e-12);
	ck_assert_double_eq_tol(pt_quantile(v, 4, 0.9), 3.7, 1e-12);
	ck_assert_double_eq_tol(pt_quantile(v, 4, 1.0), 4.0, 1e-12);
	const int64_t w[] = { -10, 20 }, one[] = { 7 };
	ck_assert_double_eq_tol(pt_quantile(w, 2, 0.5), 5.0, 1e-12);
	ck_assert_double_eq_tol(pt_quantile(one, 1, 0.5), 7.0, 1e-12);
	ck_assert_double_eq_tol(pt_quantile(one, 1, 0.99), 7.0, 1e-12);
	ck_assert(isnan(pt_quantile(v, 0, 0.5)));
}
END_TEST

/* The spread v[hi] - v[lo] is taken in int64_t: more than INT64_MAX apart
 * it overflows (undefined; in practice it wraps and the result is wrong). */
START_TEST(test_quantile_wide_range)
{
	const int64_t v[] = { -5000000000000000000, 5000000000000000000 };
	ck_assert_double_eq_tol(pt_quantile(v, 2, 0.5), 0.0, 1.0);
}
END_TEST

START_TEST(test_median_sort)
{
	int64_t v[] = { 5, -3, 9, 1 };
	ck_assert_double_eq_tol(pt_median_sort(v, 4), 3.0, 1e-12);
	ck_assert(v[0] == -3 && v[1] == 1 && v[2] == 5 && v[3] == 9);
	int64_t odd[] = { 30, 10, 20 };
	ck_assert_double_eq_tol(pt_median_sort(odd, 3), 20.0, 1e-12);
	ck_assert(odd[0] == 10 && odd[1] == 20 && odd[2] == 30);
	ck_assert(isnan(pt_median_sort(odd, 0)));
}
END_TEST

START_TEST(test_cmp_i64)
{
	int64_t lo = INT64_MIN, hi = INT64_MAX, z = 0;
	/* A subtraction-based comparator gets these wrong. */
	ck_assert_int_lt(pt_cmp_i64(&lo, &hi), 0);
	ck_assert_int_gt(pt_cmp_i64(&hi, &lo), 0);
	ck_assert_int_lt(pt_cmp_i64(&lo, &z), 0);
	ck_assert_int_eq(pt_cmp_i64(&lo, &lo), 0);
	int64_t v[] = { INT64_MAX, 0, INT64_MIN, -1, 1, INT64_MIN + 1 };
	const int64_t want[] = { INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX };
	qsort(v, 6, sizeof v[0], pt_cmp_i64);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(v[i], want[i]);
}
END_TEST

START_TEST(test_rand32)
{
	/* Marsaglia's xorshift32 (13, 17, 5). */
	uint32_t s = 1;
	ck_assert_uint_eq(pt_rand32(&s), 270369u);
	ck_assert_uint_eq(s, 270369u);
	ck_assert_uint_eq(pt_rand32(&s), 67634689u);
	ck_assert_uint_eq(pt_rand32(&s), 2647435461u);
	/* Seed 0 would stay 0 for ever: it stands for Marsaglia's 2463534242. */
	uint32_t z = 0;
	ck_assert_uint_eq(pt_rand32(&z), 723471715u);
	ck_assert_uint_eq(pt_rand32(&z), 2497366906u);
	uint32_t a = 12345, b = 12345;
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(pt_rand32(&a), pt_rand32(&b));
}
END_TEST

START_TEST(test_grow_doubles)
{
	size_t cap = 0;
	int *v = pt_grow(NULL, &cap, 0, sizeof *v, 8);
	ck_assert(v != NULL && cap == 8);
	for (size_t n = 1; n < 8; n++)
		ck_assert_ptr_eq(pt_grow(v, &cap, n, sizeof *v, 8), v);
	const size_t caps[] = { 16, 32, 64 };
	for (size_t k = 0; k < 3; k++) {
		v = pt_grow(v, &cap, caps[k] / 2, sizeof *v, 8);
		ck_assert(v != NULL && cap == caps[k]);
		v[caps[k] - 1] = 1; /* the whole new capacity is usable */
	}
	/* Far past the doubled size: room for element n at least. */
	v = pt_grow(v, &cap, 500, sizeof *v, 8);
	ck_assert(v != NULL && cap == 501);
	v[500] = 1;
	free(v);
	cap = 0;
	v = pt_grow(NULL, &cap, 0, sizeof *v, 0);
	ck_assert(v != NULL && cap == 1);
	free(v);
}
END_TEST

START_TEST(test_grow_refuses_overflow)
{
	size_t cap = 0;
	ck_assert(pt_grow(NULL, &cap, SIZE_MAX / 8 + 1, 8, 4) == NULL && cap == 0);
	int64_t *v = pt_grow(NULL, &cap, 0, 8, 4);
	ck_assert(v != NULL && cap == 4);
	ck_assert(pt_grow(v, &cap, SIZE_MAX / 8 + 1, 8, 4) == NULL && cap == 4);
	v[3] = 1; /* still ours */
	free(v);
}
END_TEST

/* Element SIZE_MAX needs SIZE_MAX + 1 elements: that count wraps to 0. */
START_TEST(test_grow_refuses_max_index)
{
	size_t cap = 0;
	void *p = pt_grow(NULL, &cap, SIZE_MAX, 8, 4);
	bool refused = p == NULL;
	free(p);
	ck_assert_msg(refused, "pt_grow(n = SIZE_MAX, elem 8) returned a block, cap now %zu", cap);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

Suite *pt_base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("hmap");
	tcase_add_test(tc, test_hmap_insert_find);
	tcase_add_test(tc, test_hmap_newest_first_across_growth);
	tcase_add_test(tc, test_hmap_remove);
	tcase_add_test(tc, test_hash_stable);
	suite_add_tcase(s, tc);
	tc = tcase_create("pset");
	tcase_add_test(tc, test_pset_intern);
	tcase_add_test(tc, test_pset_members);
	tcase_add_test(tc, test_pset_large_members);
	tcase_add_test(tc, test_pset_many);
	tcase_add_test(tc, test_pset_words_trimmed);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats");
	tcase_add_test(tc, test_quantile_type7);
	tcase_add_test(tc, test_quantile_wide_range);
	tcase_add_test(tc, test_median_sort);
	tcase_add_test(tc, test_cmp_i64);
	tcase_add_test(tc, test_rand32);
	suite_add_tcase(s, tc);
	tc = tcase_create("grow");
	tcase_add_test(tc, test_grow_doubles);
	tcase_add_test(tc, test_grow_refuses_overflow);
	tcase_add_test(tc, test_grow_refuses_max_index);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_base_suite, pt_counter_suite)
