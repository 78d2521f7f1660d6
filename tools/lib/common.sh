# Shared by quickstart.sh and run-tests.sh (sourced, POSIX sh).
# The Debian packages the build, the tests and the tools need; keep this
# list and DESIGN.md §6 in step.
SA_PACKAGES="dpdk dpdk-dev libdpdk-dev libevent-dev libprotobuf-c-dev
protobuf-c-compiler check meson ninja-build pkg-config clang-14 llvm-14-dev
libpcap-dev libssl-dev python3 iproute2"

# Installs whichever of SA_PACKAGES is missing (needs root then).
sa_install_deps() {
	missing=""
	for p in $SA_PACKAGES; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages:$missing (run as root to install)" >&2
		return 1
	fi
	echo "installing:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
}

# Configures BUILD_DIR (once; later calls apply the given meson options).
sa_configure() {
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null
	else
		meson configure "$dir" "$@" >/dev/null
	fi
}

# Configures and builds BUILD_DIR [meson options].
sa_build() {
	sa_configure "$@"
	ninja -C "$1"
}
