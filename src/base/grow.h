/* Arrays that grow by doubling. */
#ifndef PATHTRACE_BASE_GROW_H
#define PATHTRACE_BASE_GROW_H

#include <stddef.h>

/* Room for element n of the array v of elem-byte items holding *cap,
 * doubling from first: the array to use from now on (maybe moved), or NULL
 * when memory ran out, v and *cap then unchanged. */
void *pt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first);

#endif
