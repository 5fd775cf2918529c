#!/bin/busybox sh
# PID 1 of Quorate's test guest (packed into the initramfs by build-guest.sh).
#
# Appends one 512-byte record per interval to the virtio disk /dev/vda, slot N holding the record
# of sequence N, and prints the same record on the serial console. A record is one text line
#   QREC1 id=<guest> token=<token> seq=<n> up=<uptime s> crc=<crc32 hex>
# padded with spaces to 511 bytes plus a newline; the CRC (zlib CRC-32, busybox crc32) covers the
# text before " crc=", so a torn or foreign sector never passes. Kernel command line:
#   quorate.id=NAME  quorate.token=N  quorate.interval_ms=MS (default 100)
# A boot continues after the last record already on the disk (binary search for the first slot
# without the magic), so a guest restarted elsewhere with a newer token extends the same log.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

id=guest; token=0; interval_ms=100
for kv in $(cat /proc/cmdline); do
  case "$kv" in
    quorate.id=*) id=${kv#*=} ;;
    quorate.token=*) token=${kv#*=} ;;
    quorate.interval_ms=*) interval_ms=${kv#*=} ;;
  esac
done

# The virtio modules, dependencies first (order written by build-guest.sh).
for m in $(cat /lib/modules/load-order); do
  insmod "/lib/modules/$m.ko" || echo "QERR id=$id token=$token insmod $m failed"
done
tries=0
while [ ! -b /dev/vda ]; do
  tries=$((tries + 1))
  if [ $tries -gt 500 ]; then
    echo "QERR id=$id token=$token no /dev/vda after 5 s"
    exec sleep 2147483647
  fi
  usleep 10000
done
read -r slots </sys/block/vda/size

has_record() {
  [ "$(dd if=/dev/vda bs=512 skip="$1" count=1 iflag=direct 2>/dev/null | head -c 6)" = "QREC1 " ]
}
# First slot without a record: records are written contiguously from slot 0.
lo=0; hi=$slots
while [ $lo -lt $hi ]; do
  mid=$(((lo + hi) / 2))
  if has_record $mid; then lo=$((mid + 1)); else hi=$mid; fi
done
seq=$lo
read -r up idle </proc/uptime
echo "QBOOT id=$id token=$token start=$seq slots=$slots up=$up"

interval_us=$((interval_ms * 1000))
while [ "$seq" -lt "$slots" ]; do
  read -r up idle </proc/uptime
  body="QREC1 id=$id token=$token seq=$seq up=$up"
  crc=$(printf %s "$body" | crc32)
  line="$body crc=$crc"
  if printf '%-511s\n' "$line" \
    | dd of=/dev/vda bs=512 seek="$seq" count=1 conv=notrunc oflag=direct iflag=fullblock 2>/dev/null; then
    echo "$line"
    seq=$((seq + 1))
  else
    # A refused write (a revoked export) is reported and retried with the same sequence number.
    echo "QERR id=$id token=$token seq=$seq up=$up write failed"
  fi
  usleep $interval_us
done
echo "QFULL id=$id token=$token slots=$slots"
exec sleep 2147483647
