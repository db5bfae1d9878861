# Packet sizes per point as a CDF of the outermost IP length: a vertical step
# at an MTU is its ceiling, steps beyond it are GSO/GRO super-frames (offloads
# hand the capture one frame for many segments), steps at odd sizes below it
# fragments. From sizes.csv: point (1), size_lo (2), cum_fraction (5).
# Set by pathtrace: row_first_1.., row_last_1.. (where each line's rows lie), npoints, point_1.., note.
set title sprintf("%s: packet sizes per point (outermost IP length)%s", capture_set, nl(note))
set xlabel "IP packet length (bytes, log scale)"
set ylabel "fraction of packets no longer (CDF)"
set logscale x 2
set xrange [32:131072]
set xtics ("64" 64, "256" 256, "576" 576, "1500" 1500, "9000" 9000, "65535" 65535)
set yrange [0:1.02]
set arrow 1 from 1450, graph 0 to 1450, graph 1 nohead lc rgb "#999999" dt 3
set arrow 2 from 1500, graph 0 to 1500, graph 1 nohead lc rgb "#999999" dt 2
set label 1 "1450 = 1500 - VXLAN" at 1450, graph 0.06 right offset -0.5, 0 tc rgb "#555555"
set key outside right top title "capture point"
do for [fmt in formats] {
	eval term(fmt, "sizes")
	plot for [i=1:npoints] "sizes.csv" skip 1 every ::at("row_first", i)::at("row_last", i) \
		using (strcol(1) eq at("point", i) ? $2 : NaN):5 with steps lt i title (at("point", i))
	eval done(fmt)
}
