package dev.quorate.fence.internal;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** A history in memory only; for tests and for members without local storage. */
public final class InMemoryFenceHistory implements FenceHistory {
  private final List<FenceRecord> records = new CopyOnWriteArrayList<>();

  @Override
  public void append(FenceRecord record) {
    records.add(Objects.requireNonNull(record, "record"));
  }

  @Override
  public List<FenceRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public List<String> problems() {
    return List.of();
  }
}
