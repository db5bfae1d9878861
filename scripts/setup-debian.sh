#!/bin/sh
# Installs everything pathtrace needs to build, test and draw charts on a
# fresh Debian 12 machine (run as root). Safe to run again.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "setup-debian.sh: run as root (it calls apt-get)" >&2
	exit 1
fi
packages="
	gcc make autoconf automake pkg-config
	libpcap-dev libcsv-dev check
	gnuplot-nox
	man-db
	python3 python3-scapy
	tshark tcpdump iperf3 iproute2 ethtool iputils-ping procps psmisc
	openvswitch-switch
"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup-debian.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture: answer no, non-interactively.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
