# pathtrace: latency of every hop of one flow, from hops.csv.
# Bars are the median (p50); whiskers run from the minimum to the 99th percentile.
# Run it in an output directory of `pathtrace analyze`, edit freely:
#   gnuplot -e "flow=3" hop-latency.gp        -> hop-latency-flow3.png
#   gnuplot -e "flow=3; fmt='pdf'" hop-latency.gp
if (!exists("flow")) flow = 1
if (!exists("fmt")) fmt = "png"
if (fmt eq "pdf") {
	set terminal pdfcairo size 16cm,9cm noenhanced font ",9"
} else {
	set terminal pngcairo size 1100,620 noenhanced font ",10"
}
set output sprintf("hop-latency-flow%d.%s", flow, fmt)
set datafile separator ","
set datafile missing ""
set title sprintf("flow %d: latency per hop (bar p50, whiskers min..p99)", flow)
set ylabel "latency (microseconds)"
set grid ytics
set style fill solid 0.55 border -1
set boxwidth 0.6
set xtics rotate by -25 nomirror
set key off
set logscale y
set yrange [0.1:*]
# This flow's rows first (hop label, p50, min, p99), then the chart.
set table $hops separator comma
plot "hops.csv" every ::1 using (stringcolumn(3)." > ".stringcolumn(4)):8:7:10 with table if ($1 == flow)
unset table
floor01(x) = x > 0.1 ? x : 0.1
plot $hops using 0:(floor01($2)):xtic(1) with boxes lc rgb "#4477aa", \
     $hops using 0:(floor01($2)):(floor01($3)):(floor01($4)) with yerrorbars lc rgb "black" pt 0
