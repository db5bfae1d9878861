# Latency per scenario: the main flow's one-way latency from its first point
# to its last (median and 99th percentile, clocks corrected) and the median
# round trip at the sender's point (ping's if the captures hold one, else
# TCP's). Log scale: a delayed hop and a bridge differ by orders of magnitude.
# From compare.csv: lat_p50_us (6), lat_p99_us (7), rtt_p50_us (9); the
# labels from scenario_1...
# Set by pathtrace compare: nscen, scenario_1.., unit, unit_name, note.
set title sprintf("%s\nlatency per scenario%s", capture_set, nl(note))
set ylabel sprintf("time (%s, log scale)", unit_name)
set xlabel "scenario"
set logscale y 10
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set xtics rotate by -20 left
set key outside right top title "measure"
val(x) = x == x && x > 0 ? x / unit : NaN
do for [fmt in formats] {
	eval term(fmt, "compare-latency")
	plot "compare.csv" skip 1 every ::0::(nscen - 1) using (val($6)):xtic(at("scenario", int($0) + 1)) lt 1 dt 1 fs pattern 3 border -1 title "one-way p50", \
	     "" skip 1 every ::0::(nscen - 1) using (val($7)) lt 2 dt 1 fs pattern 4 border -1 title "one-way p99", \
	     "" skip 1 every ::0::(nscen - 1) using (val($9)) lt 3 dt 1 fs pattern 1 border -1 title "round trip p50"
	eval done(fmt)
}
