# One-way latency per hop as a CDF: one line per hop of the flow, from the
# hop's sample of packets (latency.csv, clocks corrected). A slow hop is the
# line far to the right; a spread-out line is jitter on that hop.
# From latency.csv: flow_id (1), hop (2), latency_us (7).
# Set by pathtrace: row_first_1.., row_last_1.. (where each line's rows lie), flow, flow_title, nhops, hop_1.. (numbers), hop_title_1.., note.
floor_us = 0.1
lat(x) = x > floor_us ? x : floor_us
set title sprintf("%s: one-way latency per hop of %s%s", capture_set, flow_title, nl(note))
set xlabel sprintf("latency (microseconds, log scale; below %g drawn at %g)", floor_us, floor_us)
set ylabel "fraction of packets (CDF)"
set logscale x 10
set xrange [floor_us / 2:*]
set yrange [0:1.02]
set key outside right top title "hop"
do for [fmt in formats] {
	eval term(fmt, "latency-cdf")
	plot for [i=1:nhops] "latency.csv" skip 1 every ::at("row_first", i)::at("row_last", i) \
		using (($1 == flow && $2 == at("hop", i)) ? lat($7) : NaN):(1) smooth cnormal \
		with steps lt i title (at("hop_title", i))
	eval done(fmt)
}
