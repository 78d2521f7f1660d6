# Sourced by tools/failover-harness.sh: what each middlebox runs on when
# the command line names no trace or config. Small traces (a few thousand
# frames) of the middlebox's own tracegen profile, the configs/ file with
# the changes a failover run needs.

# shellcheck disable=SC2034 # the harness reads these
# fo_mb_defaults MB: sets FO_CONFIG_SRC (the config to start from),
# FO_CONFIG_SED (a sed script applied to it) and FO_TG_ARGS (sa-tracegen
# options, the config's path given as @CONFIG@).
fo_mb_defaults() {
	FO_CONFIG_SRC="$SA_CONFIGS/$1.ini"
	FO_CONFIG_SED=""
	case $1 in
	nat)
		FO_TG_ARGS="--flows 300 --duration 4 --inside 10.0.0.0/16
			--nat-pool 203.0.113.0/30 --udp 30" ;;
	firewall)
		FO_TG_ARGS="--flows 300 --inside 10.0.0.0/16 --ipv6 20
			--vlan 5 --unsolicited 5 --malformed 2" ;;
	lb)
		FO_TG_ARGS="--profile lb --config @CONFIG@ --flows 300
			--ipv6 10 --vlan 5 --malformed 1" ;;
	ids)
		# Inline: drop rules, blocked flows and out-of-order drops
		# make the verdicts depend on replicated state.
		FO_CONFIG_SED='s/^mode = passive$/mode = inline/'
		FO_TG_ARGS="--profile ids --flows 200 --ipv6 10 --vlan 5" ;;
	monitor)
		FO_TG_ARGS="--profile monitor --flows 150 --ipv6 10 --vlan 5
			--malformed 1" ;;
	*)
		FO_TG_ARGS="--flows 300" ;;
	esac
}
