/* The findings list. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "model/finding.h"

void pt_findings_init(struct pt_findings *fs)
{
	memset(fs, 0, sizeof *fs);
}

void pt_findings_free(struct pt_findings *fs)
{
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}

struct pt_finding *pt_findings_add(struct pt_findings *fs, enum pt_finding_id id, enum pt_severity sev)
{
	struct pt_finding *v = pt_grow(fs->v, &fs->cap, fs->n, sizeof *v, 32);
	if (!v) {
		fs->dropped++;
		return NULL;
	}
	fs->v = v;
	struct pt_finding *f = &fs->v[fs->n++];
	memset(f, 0, sizeof *f);
	f->id = id;
	f->severity = sev;
	f->point = f->from = f->to = -1;
	f->flow = -1;
	return f;
}

struct pt_finding *pt_findings_find(struct pt_findings *fs, enum pt_finding_id id, int64_t flow, long from, long to)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct pt_finding *f = &fs->v[i];
		if (f->id == id && (flow == PT_ANY_FLOW || f->flow == flow) && f->from == from && f->to == to &&
		    from >= 0)
			return f;
	}
	return NULL;
}
