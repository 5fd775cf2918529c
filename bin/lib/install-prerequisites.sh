# Sourced by the bin/ scripts: makes sure Java 17+ and Maven 3.8+ are present, and the
# fence-agents package whose fence_dummy the fencing-spi integration tests drive.
need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# Debian's fence-agents ships /usr/sbin/fence_dummy (a real agent with a file-backed power state).
[ -x /usr/sbin/fence_dummy ] || need_apt+=(fence-agents)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${need_apt[@]}" >/dev/null
fi
