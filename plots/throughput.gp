# Throughput over time: the main flow's goodput at every capture point on its
# path, one line per point. Where the rate drops along the path shows at a
# glance (at an MTU black hole, the points after the tunnel fall to zero).
# From throughput.csv: t_s (column 3) + bin_s (5) / 2, goodput_bps (12);
# wire_bps (11) gives the bytes on the wire instead.
# Set by pathtrace: row_first_1.., row_last_1.. (where each line's rows lie), t_first, t_last (the bins' span), flow, flow_title, npoints, point_1.., unit, unit_name,
# bin_label, note.
set title sprintf("%s: goodput of %s at each point on its path (%s bins)%s", \
	capture_set, flow_title, bin_label, nl(note))
set xlabel "time since the first packet (s)"
set ylabel sprintf("goodput (%s)", unit_name)
set yrange [0:*]
set xrange [t_first:t_last]
set key outside right top title "capture point"
do for [fmt in formats] {
	eval term(fmt, "throughput")
	plot for [i=1:npoints] "throughput.csv" skip 1 every ::at("row_first", i)::at("row_last", i) \
		using ((strcol(1) eq at("point", i) && strcol(2) eq sprintf("%d", flow)) ? $3 + $5 / 2 : NaN):($12 / unit) \
		with linespoints lt i title (at("point", i))
	eval done(fmt)
}
