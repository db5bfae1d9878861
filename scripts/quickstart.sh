#!/bin/sh
# The README's two quick-start commands:
#   sh scripts/quickstart.sh demo   set up, build, install, analyze the bundled samples
#   sh scripts/quickstart.sh test   set up, build with warnings as errors, run every test
set -eu
cd "$(dirname "$0")/.."
what=${1:-demo}
sh scripts/setup-debian.sh
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
case "$what" in
demo)
	[ -f Makefile ] || ./configure -q
	make -j"$(nproc)" >/dev/null
	# pathtrace on PATH, man pathtrace, bash completion (make uninstall removes them)
	make install >/dev/null
	sh scripts/demo.sh
	;;
test)
	# Objects a plain build (the demo) made were never held to -Werror: rebuild them.
	if [ -f config.status ] && ! grep -q -- --enable-werror config.status; then
		[ -f Makefile ] && make clean >/dev/null
	fi
	./configure -q --enable-werror
	make -j"$(nproc)"
	make -j"$(nproc)" check || { cat test-suite.log 2>/dev/null | tail -100; exit 1; }
	;;
*)
	echo "usage: sh scripts/quickstart.sh demo|test" >&2
	exit 2
	;;
esac
