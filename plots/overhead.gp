# Where each point's bytes go: payload (what the application sent), inner
# IP/TCP/UDP headers, tunnel headers (VXLAN, GRE, Geneve ...: outer IP, UDP
# and tunnel header, inner Ethernet) and link headers (Ethernet, VLAN tags),
# as shares of the bytes on the wire. Points of the main flow's path first,
# in path order. From overhead.csv: wire_bytes (3), link (4), tunnel (5),
# inner headers (6), payload (7).
# Set by pathtrace: nbars, note.
set title sprintf("%s: payload and headers per point (share of wire bytes)%s", capture_set, nl(note))
set ylabel "share of the bytes on the wire (%)"
set xlabel "capture point (the main flow's path first)"
set yrange [0:100]
set style data histograms
set style histogram rowstacked
set boxwidth 0.7
set xtics rotate by -25 left
set key outside right top title "bytes"
pct(x, w) = w > 0 ? 100.0 * x / w : 0
do for [fmt in formats] {
	eval term(fmt, "overhead")
	plot "overhead.csv" skip 1 every ::0::(nbars - 1) using (pct($7, $3)):xtic(1) lt 1 dt 1 fs pattern 3 border -1 title "payload", \
	     "" skip 1 every ::0::(nbars - 1) using (pct($6, $3)) lt 5 dt 1 fs pattern 4 border -1 title "inner IP + L4 headers", \
	     "" skip 1 every ::0::(nbars - 1) using (pct($5, $3)) lt 2 dt 1 fs pattern 1 border -1 title "tunnel headers", \
	     "" skip 1 every ::0::(nbars - 1) using (pct($4, $3)) lt 7 dt 1 fs pattern 2 border -1 title "link headers"
	eval done(fmt)
}
