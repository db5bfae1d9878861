/* The catalogue of findings, doc/findings.md, built into the program. */
#ifndef PATHTRACE_EXPLAIN_H
#define PATHTRACE_EXPLAIN_H

/* The entry for a finding name (its "## `name`" section), or NULL. */
const char *pt_explain(const char *name);
/* Every catalogued name, NULL-terminated. */
const char *const *pt_explain_names(void);

#endif
