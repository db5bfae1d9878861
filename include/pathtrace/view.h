/* A bounds-checked window on packet bytes.
 *
 * Every read of packet memory goes through these accessors. A read past the
 * end yields 0 instead of touching memory, so a decoder that forgot a length
 * check produces a wrong value, never an overread; decoders still check the
 * header length up front so that truncation becomes an event, not a zero.
 */
#ifndef PATHTRACE_VIEW_H
#define PATHTRACE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pt_view {
	const uint8_t *p;
	size_t len; /* bytes captured from p on */
};

static inline bool pt_view_has(const struct pt_view *v, size_t off, size_t n)
{
	return off <= v->len && n <= v->len - off;
}

static inline uint8_t pt_u8(const struct pt_view *v, size_t off)
{
	return pt_view_has(v, off, 1) ? v->p[off] : 0;
}

static inline uint16_t pt_be16(const struct pt_view *v, size_t off)
{
	if (!pt_view_has(v, off, 2))
		return 0;
	return (uint16_t)((v->p[off] << 8) | v->p[off + 1]);
}

static inline uint16_t pt_le16(const struct pt_view *v, size_t off)
{
	if (!pt_view_has(v, off, 2))
		return 0;
	return (uint16_t)((v->p[off + 1] << 8) | v->p[off]);
}

static inline uint32_t pt_be24(const struct pt_view *v, size_t off)
{
	if (!pt_view_has(v, off, 3))
		return 0;
	return ((uint32_t)v->p[off] << 16) | ((uint32_t)v->p[off + 1] << 8) | v->p[off + 2];
}

static inline uint32_t pt_be32(const struct pt_view *v, size_t off)
{
	if (!pt_view_has(v, off, 4))
		return 0;
	return ((uint32_t)v->p[off] << 24) | ((uint32_t)v->p[off + 1] << 16) |
	       ((uint32_t)v->p[off + 2] << 8) | v->p[off + 3];
}

static inline uint32_t pt_le32(const struct pt_view *v, size_t off)
{
	if (!pt_view_has(v, off, 4))
		return 0;
	return ((uint32_t)v->p[off + 3] << 24) | ((uint32_t)v->p[off + 2] << 16) |
	       ((uint32_t)v->p[off + 1] << 8) | v->p[off];
}

/* Copies n bytes, or zero-fills dst and returns false when they are not all there. */
static inline bool pt_copy(const struct pt_view *v, size_t off, void *dst, size_t n)
{
	if (!pt_view_has(v, off, n)) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, v->p + off, n);
	return true;
}

/* The window from off on; empty when off is past the end. */
static inline struct pt_view pt_view_from(const struct pt_view *v, size_t off)
{
	struct pt_view r = { v->p, 0 };
	if (off <= v->len) {
		r.p = v->p + off;
		r.len = v->len - off;
	}
	return r;
}

#endif
