/* Small numeric helpers shared by the analysis: order statistics and a
 * deterministic random stream (reservoir sampling must give the same
 * quantiles on every run). */
#ifndef PATHTRACE_BASE_STATS_H
#define PATHTRACE_BASE_STATS_H

#include <stddef.h>
#include <stdint.h>

int pt_cmp_i64(const void *x, const void *y);
int pt_cmp_u64(const void *x, const void *y);
/* Linear interpolation between closest ranks (Hyndman & Fan type 7) over
 * the sorted v; NAN when n is 0. */
double pt_quantile(const int64_t *v, size_t n, double q);
/* The median of v (sorted in place). */
double pt_median_sort(int64_t *v, size_t n);

/* xorshift32: *state 0 is taken as the generator's usual seed. */
uint32_t pt_rand32(uint32_t *state);

#endif
