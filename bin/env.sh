# Sourced by the bin/ scripts: finds a JDK 21+ and exports JAVA_HOME, or stops with what to install.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p' | head -1; }
pick_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major; major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ]; then export JAVA_HOME="$candidate"; return 0; fi
  done
  echo "drainwatch needs JDK 21 or newer (web3j 6 is built for Java 21); none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "Install one (for example Temurin 21 or 25) and set JAVA_HOME." >&2
  return 1
}
pick_java || exit 1
