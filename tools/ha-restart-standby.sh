#!/bin/sh
# on_demote helper for systemd installs: sa-hadaemon ran this because the
# other node's epoch ($SA_HA_EPOCH) won. Turns node NODE's runtime into a
# standby listening on LISTEN and restarts it; it then takes a full
# snapshot from the new primary.
#   on_demote = /usr/local/lib/statealyzr/ha-restart-standby.sh a 0.0.0.0:7300
set -eu
node=$1 listen=$2
env=/etc/statealyzr/runtime-$node.env
sed -i "s|^SA_ROLE=.*|SA_ROLE=--role standby --listen $listen|" "$env"
logger -t sa-hadaemon "node $node: restarting its runtime as a standby" \
	"(epoch ${SA_HA_EPOCH:-?} won)"
systemctl restart "sa-runtime@$node.service"
