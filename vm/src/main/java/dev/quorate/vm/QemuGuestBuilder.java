package dev.quorate.vm;

import dev.quorate.vm.internal.QemuConfig;
import dev.quorate.vm.internal.QemuProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds a {@link QemuGuest}. Kernel, initrd and runtime directory are required; the rest has
 * defaults: 256 MiB, {@link Accel#TCG}, {@code qemu-system-x86_64} from the {@code PATH}, 10 s per
 * QMP command, 60 s to start.
 *
 * <pre>{@code
 * QemuGuest vm = QemuGuest.builder("vm-1")
 *     .kernel(Path.of("target/guest/vmlinuz"))
 *     .initrd(Path.of("target/guest/initrd.img"))
 *     .append("console=ttyS0 panic=-1 quiet")
 *     .disk(URI.create("nbd://127.0.0.1:10809/vm-1"))
 *     .runtimeDir(Path.of("/run/quorate/host-a"))
 *     .build();
 * }</pre>
 */
public final class QemuGuestBuilder {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  // sun_path holds 108 bytes including the terminating NUL.
  private static final int MAX_SOCKET_PATH = 107;

  private final String name;
  private Path kernel;
  private Path initrd;
  private String append = "console=ttyS0 panic=-1";
  private String disk;
  private int memoryMib = 256;
  private Accel accel = Accel.TCG;
  private Path runtimeDir;
  private String qemuBinary = "qemu-system-x86_64";
  private Duration commandTimeout = Duration.ofSeconds(10);
  private Duration startTimeout = Duration.ofSeconds(60);
  private boolean incoming;
  private boolean paused;

  QemuGuestBuilder(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "guest name must be 1-64 characters of [A-Za-z0-9._-], not '" + name + "'");
    }
    this.name = name;
  }

  /**
   * Creates a builder with a configuration's settings.
   *
   * @param config the settings
   * @return a builder
   */
  static QemuGuestBuilder from(QemuConfig config) {
    QemuGuestBuilder b = new QemuGuestBuilder(config.name());
    b.kernel = config.kernel();
    b.initrd = config.initrd();
    b.append = config.append();
    b.disk = config.disk();
    b.memoryMib = config.memoryMib();
    b.accel = config.accel();
    b.runtimeDir = config.runtimeDir();
    b.qemuBinary = config.qemuBinary();
    b.commandTimeout = config.commandTimeout();
    b.startTimeout = config.startTimeout();
    b.incoming = config.incoming();
    b.paused = config.paused();
    return b;
  }

  /**
   * Sets the kernel image (a bzImage such as Debian's {@code vmlinuz}).
   *
   * @param kernel the file
   * @return this builder
   */
  public QemuGuestBuilder kernel(Path kernel) {
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    return this;
  }

  /**
   * Sets the initramfs.
   *
   * @param initrd the file
   * @return this builder
   */
  public QemuGuestBuilder initrd(Path initrd) {
    this.initrd = Objects.requireNonNull(initrd, "initrd");
    return this;
  }

  /**
   * Sets the kernel command line; default {@code console=ttyS0 panic=-1}. The console must be
   * {@code ttyS0} for {@link QemuGuest#console()} to see anything.
   *
   * @param append the command line
   * @return this builder
   */
  public QemuGuestBuilder append(String append) {
    if (append.contains("\n")) {
      throw new IllegalArgumentException("kernel command line must be one line: '" + append + "'");
    }
    this.append = append;
    return this;
  }

  /**
   * Uses a raw image file as the guest's virtio disk.
   *
   * @param image the file
   * @return this builder
   * @throws IllegalArgumentException if the path contains a comma (QEMU's option separator)
   */
  public QemuGuestBuilder disk(Path image) {
    String path = image.toAbsolutePath().toString();
    if (path.contains(",")) {
      throw new IllegalArgumentException("disk path must not contain ',': " + path);
    }
    this.disk = path;
    return this;
  }

  /**
   * Uses an NBD export as the guest's virtio disk, QEMU being the NBD client.
   *
   * @param export {@code nbd://host:port/export} or {@code nbd+unix:///export?socket=PATH}
   * @return this builder
   * @throws IllegalArgumentException for another scheme or a comma in the URI
   */
  public QemuGuestBuilder disk(URI export) {
    String s = export.toString();
    if (export.getScheme() == null || !export.getScheme().startsWith("nbd") || s.contains(",")) {
      throw new IllegalArgumentException(
          "disk URI must be nbd://host:port/export or nbd+unix (without ','), not " + s);
    }
    this.disk = s;
    return this;
  }

  /**
   * Sets the guest's memory; default 256 MiB. Live migration sends all of it.
   *
   * @param mib mebibytes, 64 to 65536
   * @return this builder
   */
  public QemuGuestBuilder memoryMib(int mib) {
    if (mib < 64 || mib > 65536) {
      throw new IllegalArgumentException("memoryMib must be 64..65536, not " + mib);
    }
    this.memoryMib = mib;
    return this;
  }

  /**
   * Sets the accelerator; default {@link Accel#TCG}.
   *
   * @param accel the accelerator
   * @return this builder
   */
  public QemuGuestBuilder accel(Accel accel) {
    this.accel = Objects.requireNonNull(accel, "accel");
    return this;
  }

  /**
   * Sets the directory for the QMP sockets and pid file (one per simulated host).
   *
   * @param dir the directory; created at start
   * @return this builder
   */
  public QemuGuestBuilder runtimeDir(Path dir) {
    this.runtimeDir = dir.toAbsolutePath();
    return this;
  }

  /**
   * Sets the QEMU program; default {@code qemu-system-x86_64} from the {@code PATH}.
   *
   * @param binary a program name or path
   * @return this builder
   */
  public QemuGuestBuilder qemuBinary(String binary) {
    this.qemuBinary = Objects.requireNonNull(binary, "binary");
    return this;
  }

  /**
   * Sets the bound on each QMP command and on process exit; default 10 s.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public QemuGuestBuilder commandTimeout(Duration timeout) {
    this.commandTimeout = positive(timeout, "commandTimeout");
    return this;
  }

  /**
   * Sets the bound on QEMU's start up to its connected monitor; default 60 s.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public QemuGuestBuilder startTimeout(Duration timeout) {
    this.startTimeout = positive(timeout, "startTimeout");
    return this;
  }

  /**
   * Makes this instance the target of a live migration: QEMU starts with {@code -incoming} on a
   * unix socket in the runtime directory and waits for the guest's state.
   *
   * @return this builder
   */
  public QemuGuestBuilder incomingMigration() {
    this.incoming = true;
    return this;
  }

  /**
   * Starts the guest with its CPUs stopped (QEMU's {@code -S}): QEMU opens the disk at {@link
   * QemuGuest#start()}, and the guest boots at {@link QemuGuest#cont()}. A cluster manager claims a
   * token-fenced disk this way before it fences the old host, and boots only after the fence.
   *
   * @return this builder
   */
  public QemuGuestBuilder startPaused() {
    this.paused = true;
    return this;
  }

  /**
   * Builds the guest; nothing runs until {@link QemuGuest#start()}.
   *
   * @return the guest
   * @throws IllegalStateException if kernel, initrd or runtime directory is missing, or a socket
   *     path would exceed the 107 bytes a unix socket path may have
   */
  public QemuGuest build() {
    if (kernel == null || initrd == null || runtimeDir == null) {
      throw new IllegalStateException(
          "guest "
              + name
              + " needs kernel, initrd and runtimeDir; got "
              + kernel
              + ", "
              + initrd
              + ", "
              + runtimeDir);
    }
    QemuConfig config =
        new QemuConfig(
            name,
            kernel.toAbsolutePath(),
            initrd.toAbsolutePath(),
            append,
            disk,
            memoryMib,
            accel,
            runtimeDir,
            qemuBinary,
            commandTimeout,
            startTimeout,
            incoming,
            paused);
    for (Path socket : config.socketPaths()) {
      if (socket.toString().length() > MAX_SOCKET_PATH) {
        throw new IllegalStateException(
            "unix socket path longer than "
                + MAX_SOCKET_PATH
                + " bytes: "
                + socket
                + "; choose a shorter runtimeDir");
      }
    }
    return new QemuProcess(config, QemuGuestBuilder::from);
  }

  private static Duration positive(Duration d, String what) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, not " + d);
    }
    return d;
  }
}
