# Sourced by the bin/ scripts and .ci/run: installs what the build, the tests and the demo need
# when it is missing (Java 17+, Maven 3.8+, iproute2, libfaketime, fence-agents, QEMU, busybox,
# Chromium and Node.js for the status page's browser test).
need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# reliability's partitions: network namespaces, veth pairs and blackhole routes made with `ip`;
# its clock-step fault: libfaketime, preloaded into one lock client.
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null || need_apt+=(libfaketime)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
# fencing-spi's integration tests drive a real fence-agents program: Debian's fence-agents
# package ships /usr/sbin/fence_dummy (file-backed power state). Under CI=true its absence fails
# the build, so install it here when missing.
if [ ! -x /usr/sbin/fence_dummy ]; then
  echo "installing: fence-agents" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends fence-agents >/dev/null
fi
# nbd's integration tests use QEMU's NBD clients (qemu-io, qemu-img, qemu-nbd) from qemu-utils;
# vm's boot real guests: QEMU (software emulation) and busybox-static, from which
# bin/lib/build-guest.sh makes the guest image (apt-get download, no install). Under CI=true
# their absence fails the build, so install them here when missing.
need_vm=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need_vm+=(qemu-system-x86)
if [ ! -x /usr/bin/qemu-io ] || [ ! -x /usr/bin/qemu-img ] || [ ! -x /usr/bin/qemu-nbd ]; then
  need_vm+=(qemu-utils)
fi
[ -x /bin/busybox ] || need_vm+=(busybox-static)
if [ ${#need_vm[@]} -gt 0 ]; then
  echo "installing: ${need_vm[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${need_vm[@]}" >/dev/null
fi
# cli's StatusPageIT opens `quorate serve`'s page in Debian's Chromium, driven by playwright-core
# from npm (installed by the test from cli/src/test/e2e/package-lock.json; it never downloads a
# browser). Under CI=true their absence fails the build, so install them here when missing.
need_browser=()
[ -x /usr/bin/chromium ] || need_browser+=(chromium)
command -v node >/dev/null 2>&1 || need_browser+=(nodejs)
command -v npm >/dev/null 2>&1 || need_browser+=(npm)
if [ ${#need_browser[@]} -gt 0 ]; then
  echo "installing: ${need_browser[*]}" >&2
  # With its recommended packages (fonts among them), as the page is rendered to a screenshot.
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${need_browser[@]}" >/dev/null
fi
