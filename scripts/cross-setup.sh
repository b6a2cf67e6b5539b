#!/bin/sh
# cross-setup.sh [src] [ARCH...] - the apt configuration static and cross
# builds need, before scripts/deps.sh can install their packages:
#   src     deb-src entries, so that 'apt-get source zstd musl' works
#           (Debian images ship binary entries only);
#   ARCH    armhf or arm64: a foreign dpkg architecture, so that
#           musl-dev:ARCH (musl's libc.a and its gcc wrapper) can be installed.
#           mips is accepted and needs nothing: Debian 12 has no big-endian
#           MIPS port, its musl is built from source.
# Like deps.sh: does nothing when all is in place; tolerates an apt-get update
# that fails for one index (a foreign arch's index on a mirror mid-sync makes
# it exit 100 while everything we need is there); when not root, prints the
# exact commands and stops.
set -eu
want_src=0 arches=""
for a in "$@"; do
	case "$a" in
	src) want_src=1 ;;
	armhf|arm64) arches="$arches $a" ;;
	mips|x86_64|host) ;;
	*) echo "cross-setup.sh: unknown argument '$a'" >&2; exit 2 ;;
	esac
done

# deb822 sources (Debian 12's default) get a deb-src twin file; a classic
# sources.list gets deb-src twins of its deb lines in a file of its own.
src822=/etc/apt/sources.list.d/debian.sources
srcfile822=/etc/apt/sources.list.d/iowait-doctor-src.sources
srcfilelist=/etc/apt/sources.list.d/iowait-doctor-src.list
have_src() {
	grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/
}

todo="" cmds=""
if [ "$want_src" = 1 ] && ! have_src; then
	todo="$todo src"
	if [ -f "$src822" ]; then
		cmds="$cmds
  sed 's/^Types: deb\$/Types: deb-src/' $src822 > $srcfile822"
	else
		cmds="$cmds
  sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > $srcfilelist"
	fi
fi
have_arches=" $(dpkg --print-architecture) $(dpkg --print-foreign-architectures | tr '\n' ' ') "
for a in $arches; do
	case "$have_arches" in *" $a "*) continue ;; esac
	todo="$todo $a"
	cmds="$cmds
  dpkg --add-architecture $a"
done
[ -z "$todo" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "cross-setup.sh: apt is not set up for:$todo" >&2
	echo "cross-setup.sh: run as root:$cmds
  apt-get update" >&2
	exit 1
fi
echo "cross-setup.sh: setting up:$todo" >&2
for t in $todo; do
	case "$t" in
	src)
		if [ -f "$src822" ]; then
			sed 's/^Types: deb$/Types: deb-src/' "$src822" >"$srcfile822"
		else
			sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$srcfilelist"
		fi ;;
	*) dpkg --add-architecture "$t" ;;
	esac
done
apt-get -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 ||
	echo "cross-setup.sh: apt-get update reported errors; carrying on (the installs and 'apt-get source' are what must work)" >&2
