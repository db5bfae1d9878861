# Thesis style, shared by every pathtrace chart. Units on every axis; fonts
# that stay readable when the figure is scaled to \linewidth; colours from
# the Okabe-Ito palette (safe for colour-blind readers), each paired with its
# own dash pattern and point shape, so that lines stay apart when printed in
# black and white. Rendered to every format in `formats`:
#   png (pngcairo), pdf (pdfcairo, for LaTeX), svg; "table" writes the
#   numbers each chart draws to NAME.table instead (what the tests compare
#   with the CSV files).
if (!exists("formats")) formats = "png pdf"
set datafile separator comma
set datafile missing ""
set linetype 1 lc rgb "#0072B2" lw 2 dt 1 pt 7 ps 0.9
set linetype 2 lc rgb "#D55E00" lw 2 dt 2 pt 5 ps 0.9
set linetype 3 lc rgb "#009E73" lw 2 dt 3 pt 9 ps 1.0
set linetype 4 lc rgb "#CC79A7" lw 2 dt 4 pt 13 ps 1.0
set linetype 5 lc rgb "#E69F00" lw 2 dt 5 pt 11 ps 1.0
set linetype 6 lc rgb "#56B4E9" lw 2 dt (10,4,2,4) pt 3 ps 1.0
set linetype 7 lc rgb "#000000" lw 2 dt (2,3) pt 1 ps 1.0
set linetype 8 lc rgb "#882255" lw 2 dt (14,6) pt 2 ps 1.0
set linetype 9 lc rgb "#44AA99" lw 2 dt (6,3,6,3,1,3) pt 4 ps 1.0
set linetype 10 lc rgb "#777777" lw 2 dt (1,2) pt 6 ps 1.0
set linetype cycle 10
set border 3 lw 1
set tics nomirror out
set grid xtics ytics lt 1 lw 0.5 lc rgb "#d9d9d9" dt 1
set key box lw 0.5 opaque samplen 3 spacing 1.1
# term(fmt, name): the commands that open chart `name` in format fmt; done(fmt) closes it.
term(fmt, name) = \
	fmt eq "pdf" ? sprintf("set terminal pdfcairo size 16cm,10cm font 'sans,8' noenhanced dashlength 1.2; set output '%s.pdf'", name) : \
	fmt eq "svg" ? sprintf("set terminal svg size 1000,625 font 'sans,12' noenhanced dynamic; set output '%s.svg'", name) : \
	fmt eq "table" ? sprintf("set table '%s.table'", name) : \
	sprintf("set terminal pngcairo size 1200,750 font 'sans,12' noenhanced dashlength 1.2; set output '%s.png'", name)
done(fmt) = fmt eq "table" ? "unset table" : "unset output"
# Each line of a chart reads only its rows of the CSV file (every
# ::row_first_N::row_last_N, rows counted from 0 after the header): gnuplot
# reads some 350 000 rows a second, and a ten-line chart over a large file
# would read it ten times. The test in `using` still picks the rows, so
# after adding or deleting rows in a CSV file, widen the range (row_first_N =
# 0, row_last_N = 1e9) and the chart stays right, only slower.
# at("point", 3) is the variable point_3: the lists pathtrace sets are numbered
# variables, so that names with spaces stay whole.
at(name, i) = value(sprintf("%s_%d", name, i))
# nl(note): a note on a line of its own under a title, if there is one.
nl(s) = s eq "" ? "" : "\n".s
# shown(list, x): whether the word x is in the space-separated list.
shown(list, x) = strstrt(" ".list." ", " ".x." ") > 0
