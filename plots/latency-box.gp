# One-way latency per hop as box plots, in path order: the box runs from the
# 25th to the 75th percentile with the median across it, the whiskers from the
# minimum to the 99th percentile. From hops.csv: hop (2), lat_min_us (7),
# lat_p50_us (8), lat_p99_us (10), lat_p25_us (13), lat_p75_us (14).
# Set by pathtrace: flow, flow_title, hop_list (hop numbers shown), note.
floor_us = 0.1
lat(x) = x > floor_us ? x : floor_us
set title sprintf("%s: one-way latency per hop of %s\nbox p25..p75, bar p50, whiskers min..p99%s", \
	capture_set, flow_title, nl(note))
set xlabel "hop (from > to), in path order"
set ylabel sprintf("latency (microseconds, log scale; below %g drawn at %g)", floor_us, floor_us)
set logscale y 10
set xtics rotate by -25 left
set boxwidth 0.5
set style fill solid 0.35 border -1
set key outside right top
# The flow's hops first (hop, p25, min, p99, p75, p50, "from > to"), then the chart.
sel(f, h) = f == flow && shown(hop_list, sprintf("%d", h))
set table $box separator comma
plot "hops.csv" skip 1 using 2:13:7:10:14:8:(strcol(3)." > ".strcol(4)) with table if (sel($1, $2))
unset table
set xrange [-0.6:|$box| - 0.4]
do for [fmt in formats] {
	eval term(fmt, "latency-box")
	plot $box using 0:(lat($2)):(lat($3)):(lat($4)):(lat($5)):xtic(7) \
		with candlesticks whiskerbars 0.5 lt 1 dt 1 title "p25..p75, whiskers min..p99", \
	     $box using 0:(lat($6)):(lat($6)):(lat($6)):(lat($6)) with candlesticks lc rgb "#000000" dt 1 lw 3 fs empty title "median (p50)"
	eval done(fmt)
}
