# Round-trip time over time per flow, measured where the captures show both
# directions: ICMP echo request to reply (what ping reports), TCP segment to
# the ACK that covers it (never a resent one). One line per flow, at its
# first point (the sender's side). From rtt.csv: flow_id (1), point (2),
# t_s (5), rtt_us (6).
# Set by pathtrace: row_first_1.., row_last_1.. (where each line's rows lie), nrtt, rtt_flow_1.., rtt_point_1.., rtt_title_1.., unit,
# unit_name, note.
set title sprintf("%s: round-trip time per flow at its sender's point%s", capture_set, nl(note))
set xlabel "time since the first packet (s)"
set ylabel sprintf("round-trip time (%s)", unit_name)
set yrange [0:*]
set key outside bottom center Left reverse noopaque nobox
do for [fmt in formats] {
	eval term(fmt, "rtt")
	plot for [i=1:nrtt] "rtt.csv" skip 1 every ::at("row_first", i)::at("row_last", i) \
		using (($1 == at("rtt_flow", i) && strcol(2) eq at("rtt_point", i)) ? $5 : NaN):($6 / unit) \
		with linespoints lt i title (at("rtt_title", i))
	eval done(fmt)
}
