# Throughput over time per scenario: each analysis's main flow at its
# receiving point, from the first bin it carried payload in, one line per
# scenario (the blog's and the thesis's figures, from captures).
# From compare-throughput.csv: scenario (1: its row in compare.csv), t_s (3),
# goodput_bps (4).
# Set by pathtrace compare: nscen, scenario_1.., unit, unit_name, bin_label, note.
set title sprintf("%s\ngoodput over time per scenario: each main flow at its receiving point (%s bins)%s", \
	capture_set, bin_label, nl(note))
set xlabel "time since the flow's first payload (s)"
set ylabel sprintf("goodput (%s)", unit_name)
set yrange [0:*]
set key outside right top title "scenario"
do for [fmt in formats] {
	eval term(fmt, "compare-time")
	plot for [i=1:nscen] "compare-throughput.csv" skip 1 \
		using ($1 == i ? $3 : NaN):($4 / unit) with linespoints lt i title (at("scenario", i))
	eval done(fmt)
}
