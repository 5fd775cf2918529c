package dev.quorate.vm;

/**
 * How QEMU runs the guest's CPUs.
 *
 * <p>{@link #TCG} (software emulation) works everywhere and is the default. {@code /dev/kvm} may
 * exist and still fail to boot a guest (seen on nested cloud machines: a boot hanging at "Booting
 * from ROM"), so {@link #AUTO} uses KVM only after a probe boot under it printed kernel output.
 *
 * <pre>{@code
 * QemuGuest.builder("vm-1").accel(Accel.AUTO) // KVM where a probe boot works, else TCG
 * }</pre>
 */
public enum Accel {
  /** Software emulation. */
  TCG,
  /** Hardware virtualization; fails at boot where KVM does not work. */
  KVM,
  /** KVM if a probe boot of the same kernel succeeds within its bound, TCG otherwise. */
  AUTO
}
