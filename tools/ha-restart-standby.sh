#!/bin/sh
# on_demote helper for systemd installs: sa-hadaemon ran this because the
# other node's epoch ($SA_HA_EPOCH) won, or because this node's runtime
# was lost (crashed) while the other node runs as the primary. Turns node NODE's runtime into a
# standby listening on LISTEN and restarts it; it then takes a full
# snapshot from the new primary. With PEER (the other node's replication
# address) it replicates to PEER once promoted again: fail-back.
#   on_demote = /usr/local/lib/statealyzr/ha-restart-standby.sh a \
#               10.0.9.1:7300 10.0.9.2:7300
set -eu
node=$1 listen=$2 peer=${3:-}
env=/etc/statealyzr/runtime-$node.env
role="--role standby --listen $listen --keep-input${peer:+ --peer $peer}"
sed -i "s|^SA_ROLE=.*|SA_ROLE=$role|" "$env"
logger -t sa-hadaemon "node $node: restarting its runtime as a standby" \
	"(epoch ${SA_HA_EPOCH:-?} won)"
systemctl restart "sa-runtime@$node.service"
