# Sourced by the benchmark scripts: finds a JDK 25 or newer as .ci/run does (JAVA_HOME when it is
# one, else one installed under /usr/lib/jvm, /opt/java or /opt/jdk*), puts it first on the PATH,
# and quiets Maven's own sun.misc.Unsafe warnings. Usage: . benchmarks/scripts/jdk25.sh EXIT_STATUS

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return
  fi
  local candidate
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  return 1
}

if ! JAVA_HOME=$(pick_jdk); then
  echo "No JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset})" >&2
  exit "${1:-1}"
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
