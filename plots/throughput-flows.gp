# Throughput over time per flow: the flows with the most goodput, each at the
# last point of its path (where its receiver gets it), one line per flow.
# From throughput.csv: t_s (3) + bin_s (5) / 2, goodput_bps (12).
# Set by pathtrace: row_first_1.., row_last_1.. (where each line's rows lie), t_first, t_last (the bins' span), nflows, flow_1.. (ids), flow_point_1.., flow_title_1..,
# unit, unit_name, bin_label, note.
set title sprintf("%s: goodput per flow at its receiving point (%s bins)%s", capture_set, bin_label, nl(note))
set xlabel "time since the first packet (s)"
set ylabel sprintf("goodput (%s)", unit_name)
set yrange [0:*]
set xrange [t_first:t_last]
set key outside bottom center Left reverse noopaque nobox
do for [fmt in formats] {
	eval term(fmt, "throughput-flows")
	plot for [i=1:nflows] "throughput.csv" skip 1 every ::at("row_first", i)::at("row_last", i) \
		using ((strcol(2) eq sprintf("%d", at("flow", i)) && strcol(1) eq at("flow_point", i)) ? $3 + $5 / 2 : NaN):($12 / unit) \
		with linespoints lt i title (at("flow_title", i))
	eval done(fmt)
}
