#!/bin/bash
# Builds Quorate's test guest from Debian packages only, without installing them:
#   build-guest.sh DIR   ->  DIR/vmlinuz, DIR/initrd.img, DIR/guest.properties
# The kernel is the current linux-image-<version>-cloud-amd64 (the dependency of
# linux-image-cloud-amd64), the userland busybox-static; both are unpacked with dpkg -x. The
# initramfs holds busybox, the virtio_blk and virtio_pci modules with their dependencies, and
# guest-init.sh as /init. Idempotent: a second run with the same inputs only prints the result.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 CACHE_DIR" >&2
  exit 64
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
init_script="$here/guest-init.sh"

kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null \
    | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(kernel_package || true)
if [ -z "$pkg" ]; then
  apt-get update -qq >&2
  pkg=$(kernel_package || true)
fi
if [ -z "$pkg" ]; then
  echo "build-guest: apt-cache knows no linux-image-cloud-amd64; is this Debian with its archive?" >&2
  exit 1
fi
bb_version=$(apt-cache policy busybox-static | awk '/Candidate:/ { print $2 }')
kernel_version=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
key="$pkg=$kernel_version busybox-static=$bb_version init=$(sha256sum "$init_script" "$0" | sha256sum | cut -c1-16)"
if [ -f "$out/guest.properties" ] && grep -qxF "key=$key" "$out/guest.properties" \
  && [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then
  cat "$out/guest.properties"
  exit 0
fi

work=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
debs="$out/debs"
mkdir -p "$debs"
# apt-get download writes into the current directory; _apt cannot write to root-only dirs, which
# only costs a warning.
if ! ls "$debs/${pkg}_"*.deb >/dev/null 2>&1 || ! ls "$debs"/busybox-static_*.deb >/dev/null 2>&1; then
  rm -f "$debs"/*.deb
  download() {
    (cd "$debs" && apt-get download -q "$pkg" busybox-static 2>&1) \
      | grep -v '^W: Download is performed unsandboxed' >&2 || true
  }
  download
  if ! ls "$debs/${pkg}_"*.deb >/dev/null 2>&1; then
    # Stale package lists name versions the archive no longer serves: refresh them once.
    apt-get update -qq >&2
    pkg=$(kernel_package)
    download
  fi
fi
kdeb=$(ls "$debs/${pkg}_"*.deb 2>/dev/null | head -1)
bdeb=$(ls "$debs"/busybox-static_*.deb 2>/dev/null | head -1)
if [ -z "$kdeb" ] || [ -z "$bdeb" ]; then
  echo "build-guest: apt-get download of $pkg and busybox-static failed" >&2
  exit 1
fi
dpkg -x "$kdeb" "$work/kernel"
dpkg -x "$bdeb" "$work/busybox"
kver=$(ls "$work/kernel/lib/modules" | head -1)
moddir="$work/kernel/lib/modules/$kver/kernel"
bb="$work/busybox/bin/busybox"

root="$work/root"
mkdir -p "$root/bin" "$root/lib/modules" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$bb" "$root/bin/busybox"
cp "$init_script" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"

# The package ships no modules.dep (depmod runs at install): read each module's depends= from its
# .modinfo section and write the modules in load order, dependencies first.
module_path() { find "$moddir" -name "$1.ko" | head -1; }
order=()
add_module() {
  local name=$1 dep deps file
  for done_name in "${order[@]+"${order[@]}"}"; do [ "$done_name" = "$name" ] && return 0; done
  file=$(module_path "$name")
  if [ -z "$file" ]; then
    echo "build-guest: module $name not found under $moddir" >&2
    exit 1
  fi
  deps=$("$bb" strings "$file" | sed -n 's/^depends=//p' | head -1)
  for dep in ${deps//,/ }; do add_module "$dep"; done
  cp "$file" "$root/lib/modules/$name.ko"
  order+=("$name")
}
add_module virtio_pci
add_module virtio_blk
printf '%s\n' "${order[@]}" >"$root/lib/modules/load-order"

(cd "$root" && find . | LC_ALL=C sort | "$bb" cpio -o -H newc 2>/dev/null | gzip -9 >"$work/initrd.img")
cp "$(ls "$work/kernel/boot/vmlinuz-"*)" "$work/vmlinuz"
mv "$work/initrd.img" "$out/initrd.img"
mv "$work/vmlinuz" "$out/vmlinuz"
cat >"$out/guest.properties" <<PROPS
key=$key
kernel=$out/vmlinuz
initrd=$out/initrd.img
kernel.release=$kver
modules=${order[*]}
PROPS
cat "$out/guest.properties"
