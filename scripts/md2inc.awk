# Turns doc/findings.md into C initialisers { "name", "text" }, one per
# "## `name`" section, for src/explain.c.
function flush() {
	if (name != "") {
		printf "\t{ \"%s\", \"%s\" },\n", name, text
	}
}
function esc(s) {
	gsub(/\\/, "&&", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, "\\t", s)
	return s
}
/^## `[^`]+`/ {
	flush()
	name = $0
	sub(/^## `/, "", name)
	sub(/`.*$/, "", name)
	text = esc($0) "\\n"
	next
}
/^#/ { flush(); name = ""; text = ""; next }
{ if (name != "") text = text esc($0) "\\n" }
END { flush() }
