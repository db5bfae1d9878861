/* --explain: sections of doc/findings.md, embedded as strings by the build
 * (src/output/findings-doc.inc is generated from the Markdown, so the document is
 * the single source). */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "output/explain.h"

struct entry {
	const char *name;
	const char *text;
};

static const struct entry entries[] = {
#include "output/findings-doc.inc"
	{ NULL, NULL },
};

const char *pt_explain(const char *name)
{
	for (const struct entry *e = entries; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e->text;
	return NULL;
}

const char *const *pt_explain_names(void)
{
	static const char *names[sizeof entries / sizeof entries[0]];
	for (size_t i = 0; entries[i].name; i++)
		names[i] = entries[i].name;
	return names;
}
