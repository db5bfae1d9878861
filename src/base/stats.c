/* Order statistics and a deterministic random stream. */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "base/stats.h"

int pt_cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

int pt_cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

double pt_quantile(const int64_t *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	/* The difference in double: corrupt timestamps may lie further apart than int64 reaches. */
	return (double)v[lo] + (h - (double)lo) * ((double)v[hi] - (double)v[lo]);
}

double pt_median_sort(int64_t *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof *v, pt_cmp_i64);
	return pt_quantile(v, n, 0.5);
}

uint32_t pt_rand32(uint32_t *state)
{
	uint32_t x = *state ? *state : 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}
