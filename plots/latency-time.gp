# One-way latency over time per hop: every sampled packet (latency.csv keeps
# a bounded reservoir per hop, spread over the whole capture) at the time it
# passed the hop's first point. From latency.csv: flow_id (1), hop (2),
# t_s (6), latency_us (7).
# Set by pathtrace: row_first_1.., row_last_1.. (where each line's rows lie), flow, flow_title, nhops, hop_1.., hop_title_1.., note.
floor_us = 0.1
lat(x) = x > floor_us ? x : floor_us
set title sprintf("%s: one-way latency over time per hop of %s%s", capture_set, flow_title, nl(note))
set xlabel "time since the first packet (s)"
set ylabel sprintf("latency (microseconds, log scale; below %g drawn at %g)", floor_us, floor_us)
set logscale y 10
set key outside right top title "hop"
do for [fmt in formats] {
	eval term(fmt, "latency-time")
	plot for [i=1:nhops] "latency.csv" skip 1 every ::at("row_first", i)::at("row_last", i) \
		using (($1 == flow && $2 == at("hop", i)) ? $6 : NaN):(lat($7)) \
		with points lt i title (at("hop_title", i))
	eval done(fmt)
}
