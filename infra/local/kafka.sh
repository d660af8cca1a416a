#!/usr/bin/env bash
# Apache Kafka as a single-node KRaft broker+controller on 127.0.0.1:9092 (controller 9093).
# Kafka has no Debian package: Maven fetches the broker's jars from Maven Central (kafka/pom.xml)
# into the state folder once, and the broker runs from them with `java -cp`.
# Usage: kafka.sh <install|start|status|stop|env>
set -euo pipefail
SERVICE=kafka
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${TRADEOPS_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${TRADEOPS_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT"
POM="$LOCAL_DIR/kafka/pom.xml"
LOG4J_CONF="$LOCAL_DIR/kafka/log4j2.properties"
DIR="$STATE/kafka"
LIBS="$DIR/libs"
DATA="$DIR/data"
CONF="$DIR/server.properties"
PIDFILE="$DIR/kafka.pid"
LOGFILE="$DIR/kafka.log"
START_TIMEOUT="${TRADEOPS_KAFKA_START_TIMEOUT:-90}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The port check first: kcat keeps retrying a closed port until its own timeout ($1 seconds,
# short while polling a starting broker, longer for a one-off check of a busy one).
answers() {
  local wait="${1:-10}"
  port_open "$KAFKA_HOST" "$KAFKA_PORT" &&
    timeout $((wait + 5)) kcat -L -b "$KAFKA_BROKERS" -m "$wait" 2>/dev/null | grep -q "broker 1 at $KAFKA_BROKERS"
}

java_major() { "$JAVA" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'; }

# The jars are fetched again only when pom.xml changes (its hash is stamped beside them), so a
# warm machine never touches the network. They land in a temporary folder first: an interrupted
# download must not look like a complete one.
fetch_libs() {
  local want have=""
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  [[ -f "$LIBS/.pom-sha256" ]] && have="$(cat "$LIBS/.pom-sha256")"
  if [[ "$want" == "$have" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  log "fetching the broker's jars from Maven Central (log: $DIR/maven.log)"
  rm -rf "$LIBS.tmp"
  if ! mvn -B -q -f "$POM" dependency:copy-dependencies -Dlibs.dir="$LIBS.tmp" >"$DIR/maven.log" 2>&1; then
    tail -n 30 "$DIR/maven.log" >&2
    die "Maven could not fetch the Kafka jars"
  fi
  printf '%s\n' "$want" >"$LIBS.tmp/.pom-sha256"
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
}

install() {
  ensure_state
  mkdir -p "$DIR"
  command -v kcat >/dev/null || apt_ensure kcat
  command -v mvn >/dev/null || apt_ensure maven
  if ! command -v "$JAVA" >/dev/null; then
    apt_ensure openjdk-17-jre-headless
  fi
  local major
  major="$(java_major)"
  if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "Kafka 4 needs Java 17 or newer; '$JAVA' is '${major:-unknown}' (set JAVA_HOME)"
  fi
  take_lock kafka-libs
  fetch_libs
  flock -u 9
}

# Written on every start so that a change here reaches an existing state folder. Replication
# factors of 1 and a few internal partitions: one node, and topics appear in milliseconds.
write_config() {
  cat >"$CONF" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# After a hard kill the controller waits out the old broker session before the restarted broker
# may register again: 3 s instead of the default 9 s.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=3000
log.retention.hours=24
log.segment.bytes=16777216
CONF
}

# Formats the log directory once. A folder without meta.properties is a half-finished format (or
# none): it is wiped and formatted afresh with a new cluster id.
format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  rm -rf "$DATA"
  local cluster_id
  cluster_id="$("$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed no id"
  log "formatting $DATA (cluster id $cluster_id)"
  "$JAVA" -cp "$LIBS/*" -Dlog4j2.configurationFile="$LOG4J_CONF" kafka.tools.StorageTool format \
    --config "$CONF" --cluster-id "$cluster_id" --standalone >>"$LOGFILE" 2>&1 || {
    tail -n 30 "$LOGFILE" >&2
    die "formatting the storage failed"
  }
}

start() {
  install
  take_lock kafka
  if pid_alive "$PIDFILE" kafka.Kafka && answers; then
    log "already running on $KAFKA_BROKERS (pid $(cat "$PIDFILE"))"
    return 0
  fi
  if ! pid_alive "$PIDFILE" kafka.Kafka && answers; then
    log "a Kafka not started by this script already answers on $KAFKA_BROKERS; using it"
    return 0
  fi
  if pid_alive "$PIDFILE" kafka.Kafka; then
    # Still starting (another caller launched it) or wedged: give it the usual time first.
    log "pid $(cat "$PIDFILE") exists but does not answer yet; waiting"
    wait_until "$START_TIMEOUT" answers && {
      log "ready: $KAFKA_BROKERS"
      return 0
    }
    log "pid $(cat "$PIDFILE") never answered; restarting it"
    stop_pid "$PIDFILE" kafka.Kafka 30
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT" || port_open "$KAFKA_HOST" "$CONTROLLER_PORT"; then
    die "ports $KAFKA_PORT/$CONTROLLER_PORT are taken by something that is not a Kafka broker we can use"
  fi
  mkdir -p "$DIR"
  # Each start appends a few hundred KB of INFO lines; keep one previous log once it grows large.
  if [[ -f "$LOGFILE" ]] && (($(stat -c %s "$LOGFILE") > 32 * 1024 * 1024)); then
    mv -f "$LOGFILE" "$LOGFILE.1"
  fi
  write_config
  format_storage
  log "starting the broker (log: $LOGFILE)"
  # setsid: the broker must outlive the shell (and process group) that started it; 9>&-: it
  # must not inherit (and so hold forever) the lock taken above.
  setsid "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$DIR" \
    -cp "$LIBS/*" kafka.Kafka "$CONF" >>"$LOGFILE" 2>&1 </dev/null 9>&- &
  printf '%s\n' "$!" >"$PIDFILE"
  local started=$SECONDS
  until answers 2; do
    if ! pid_alive "$PIDFILE" kafka.Kafka; then
      tail -n 40 "$LOGFILE" >&2
      rm -f "$PIDFILE"
      die "the broker exited during start-up"
    fi
    if ((SECONDS - started >= START_TIMEOUT)); then
      tail -n 40 "$LOGFILE" >&2
      stop_pid "$PIDFILE" kafka.Kafka 10
      die "no metadata from $KAFKA_BROKERS after ${START_TIMEOUT}s"
    fi
    sleep 1
  done
  log "ready: $KAFKA_BROKERS (pid $(cat "$PIDFILE"), $((SECONDS - started))s)"
}

stop() {
  take_lock kafka
  if pid_alive "$PIDFILE" kafka.Kafka; then
    log "stopping pid $(cat "$PIDFILE")"
    stop_pid "$PIDFILE" kafka.Kafka 60
  elif answers; then
    log "a Kafka not started by this script answers on $KAFKA_BROKERS; leaving it alone"
  else
    rm -f "$PIDFILE"
    log "not running"
  fi
}

status() {
  if answers; then
    log "up: $KAFKA_BROKERS lists its metadata"
  else
    log "DOWN: no metadata from $KAFKA_BROKERS"
    return 1
  fi
}

print_env() {
  if answers; then
    printf 'export KAFKA_BROKERS=%s\n' "$KAFKA_BROKERS"
  else
    log "not running; KAFKA_BROKERS left unset"
    return 1
  fi
}

case "${1:-}" in
install | start | stop | status) "$1" ;;
env) print_env ;;
*) die "usage: $0 <install|start|status|stop|env>" ;;
esac
