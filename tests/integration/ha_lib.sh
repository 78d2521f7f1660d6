# Sourced by the HA tests (run_ha_*.sh) after lib.sh and repl_lib.sh:
# sa-hadaemon pairs beside sa-runtime pairs. meson passes SA_HADAEMON and
# SA_HACTL.
: "${SA_HADAEMON:?}" "${SA_HACTL:?}"

HB_PORT=$((REPL_PORT + 20000))

# ha_config FILE NODE STATE_DIR RUNTIME_SOCKET CONTROL_SOCKET LISTEN PEER KEY
# [extra lines]: a daemon config; extra lines are appended as given.
ha_config() {
	f=$1
	mkdir -p "$3"
	cat >"$f" <<EOC
[daemon]
node_id = $2
state_dir = $3
control_socket = $5
key_file = $8
log = stderr

[heartbeat]
listen = $6
peer = $7

[runtime]
control_socket = $4
EOC
	shift 8
	for l in "$@"; do
		echo "$l" >>"$f"
	done
}

# ha_run CONFIG LOG: a daemon in the background; its pid is in $!.
ha_run() {
	"$SA_HADAEMON" --config "$1" >"$2" 2>&1 3>&- &
	REPL_PIDS="$REPL_PIDS $!"
}

# hactl SOCKET KEY: one value of sa-hactl status --kv.
hactl() {
	"$SA_HACTL" --socket "$1" status --kv | sed -n "s/^$2=//p"
}

hactl_is() {
	[ "$(hactl "$1" "$2")" = "$3" ]
}
