# Throughput per scenario, the table of a comparative study as a figure:
# one group per analysis (its label), the main flow's direction and the
# reverse direction side by side, each bar labelled with its value. Mean
# goodput at the receiving point over the flows' span.
# From compare.csv: fwd_goodput_bps (3), rev_goodput_bps (4); the labels
# from scenario_1.. (gnuplot cannot read a quoted label holding a comma).
# Set by pathtrace compare: nscen, scenario_1.., unit, unit_name, note.
set title sprintf("%s\nmean goodput per scenario at the receiving point%s", capture_set, nl(note))
set ylabel sprintf("mean goodput (%s)", unit_name)
set xlabel "scenario"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set xtics rotate by -20 left
set key outside right top title "direction"
val(x) = x == x ? x / unit : NaN
# The value over a bar: three digits, "<0.01" for a sliver.
lbl(v) = v != v ? "" : v >= 100 ? sprintf("%.0f", v) : v >= 10 ? sprintf("%.1f", v) : v >= 0.01 ? sprintf("%.2f", v) : v > 0 ? "<0.01" : "0"
do for [fmt in formats] {
	eval term(fmt, "compare-bars")
	plot "compare.csv" skip 1 every ::0::(nscen - 1) using (val($3)):xtic(at("scenario", int($0) + 1)) lt 1 dt 1 fs pattern 3 border -1 title "forward (the main flow's)", \
	     "" skip 1 every ::0::(nscen - 1) using (val($4)) lt 2 dt 1 fs pattern 4 border -1 title "reverse", \
	     "" skip 1 every ::0::(nscen - 1) using ($0 - 1.0 / 6):(val($3)):(lbl(val($3))) with labels offset 0, 0.8 notitle, \
	     "" skip 1 every ::0::(nscen - 1) using ($0 + 1.0 / 6):(val($4)):(lbl(val($4))) with labels offset 0, 0.8 notitle
	eval done(fmt)
}
