package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.internal.json.Json;
import dev.quorate.qdisk.BlockDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints every record of every disk, as text or JSON; read-only. */
@Command(name = "dump", description = "Print the header, every slot and every mailbox.")
final class DumpCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DiskOptions where;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<BlockDevice> devices = DiskOptions.openReadOnly(where.paths());
    try {
      List<Object> maps = new ArrayList<>();
      for (BlockDevice d : devices) {
        DiskImage img = DiskImage.read(d, where.clusterOrNull());
        if (json) {
          maps.add(img.toMap(true));
        } else {
          spec.commandLine().getOut().print(img.toText(true));
        }
      }
      if (json) {
        spec.commandLine().getOut().println(Json.write(maps));
      }
      spec.commandLine().getOut().flush();
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }
}
