# Where a round trip's time goes: the median round trip measured at the
# sender's point (the black bar) beside the medians of its parts stacked in
# path order: each hop there, the far end's turnaround (the round trip
# measured at the path's last point), each hop back. A hop keeps its colour
# both ways; the way back is hatched. Medians of parts need not add up to the
# median of the whole: the gap between the two bars says how far they do not.
# From rtt-hops.csv: kind (1), part_no (4), p50_us (8), start_us (10),
# measured_p50_us (12).
# Set by pathtrace: nbars, bar_kind_1.., bar_title_1.., nrows, and per row of
# rtt-hops.csv row_kind_1.., row_part_1.. (what selects it), row_lt_1..,
# row_pattern_1.., row_title_1.. ("" keeps a part out of the key), unit,
# unit_name, note.
set title sprintf("%s: where the round trip goes, hop by hop, there and back%s", capture_set, nl(note))
set ylabel sprintf("median time (%s)", unit_name)
set yrange [0:*]
set xrange [-0.7:nbars * 2.5 - 1]
set xtics nomirror
set bmargin 4
set xtics ()
do for [b=1:nbars] {
	set xtics add (at("bar_title", b)."\nby part" (b - 1) * 2.5, at("bar_title", b)."\nmeasured" (b - 1) * 2.5 + 1)
}
set key outside right top title "part (median)"
barx(kind) = sum [b=1:nbars] (kind eq at("bar_kind", b) ? (b - 1) * 2.5 : 0)
p50(x) = x == x ? x : 0
do for [fmt in formats] {
	eval term(fmt, "rtt-hops")
	plot for [i=1:nrows] "rtt-hops.csv" skip 1 \
		using ((strcol(1) eq at("row_kind", i) && $4 == at("row_part", i)) ? barx(strcol(1)) : NaN):(($10 + p50($8) / 2) / unit):(0.4):(p50($8) / 2 / unit) \
		with boxxyerror lt at("row_lt", i) dt 1 fs pattern at("row_pattern", i) border -1 title (at("row_title", i)), \
	     "rtt-hops.csv" skip 1 using ($4 == 1 ? barx(strcol(1)) + 1 : NaN):($12 / 2 / unit):(0.4):($12 / 2 / unit) \
		with boxxyerror lc rgb "#000000" dt 1 fs solid 0.8 border -1 title "measured round trip"
	eval done(fmt)
}
