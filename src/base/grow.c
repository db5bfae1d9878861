/* Arrays that grow by doubling. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "base/grow.h"

void *pt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return v;
	if (elem == 0 || n >= SIZE_MAX / elem)
		return NULL;
	size_t c = *cap && *cap <= SIZE_MAX / 2 ? *cap * 2 : first;
	/* Never wraps: n + 1 <= SIZE_MAX / elem. */
	if (c <= n || c > SIZE_MAX / elem)
		c = n + 1;
	void *nv = realloc(v, c * elem);
	if (nv)
		*cap = c;
	return nv;
}
