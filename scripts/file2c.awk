# Turns a text file into one C string literal (for plots/*.gp built into the program).
{
	gsub(/\\/, "&&")
	gsub(/"/, "\\\"")
	gsub(/\t/, "\\t")
	printf "\"%s\\n\"\n", $0
}
