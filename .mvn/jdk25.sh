# Finds a JDK 25 (or newer) and exports JAVA_HOME to it. Sourced (POSIX sh) by ./basalt, ./mvnw and
# .ci/run so that all three agree on the JDK: JAVA_HOME first, then /usr/lib/jvm/temurin-25*, then the
# `java` on PATH. Prints what to install and returns 1 when none qualifies.

basalt_java_major() { # the Java feature version of the JDK at $1, or nothing
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

basalt_use_jdk25() {
  _basalt_path_jdk=""
  if command -v java >/dev/null 2>&1; then
    _basalt_path_jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for _basalt_jdk in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* "$_basalt_path_jdk"; do
    [ -n "$_basalt_jdk" ] && [ -x "$_basalt_jdk/bin/java" ] && [ -x "$_basalt_jdk/bin/javac" ] || continue
    _basalt_major=$(basalt_java_major "$_basalt_jdk")
    if [ -n "$_basalt_major" ] && [ "$_basalt_major" -ge 25 ]; then
      JAVA_HOME=$_basalt_jdk
      export JAVA_HOME
      return 0
    fi
  done
  echo "basalt: JDK 25 or newer is required, but none was found." >&2
  echo "  looked at: JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/temurin-25*, java on PATH (${_basalt_path_jdk:-none})" >&2
  echo "  install Temurin 25 (https://adoptium.net/temurin/releases/?version=25, or apt package temurin-25-jdk)" >&2
  echo "  and set JAVA_HOME to it." >&2
  return 1
}
