package dev.quorate.fence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An in-memory agent: power per device, scripted failures, a log of every call. */
final class FakeAgent implements FenceAgent {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final Map<String, PowerStatus> power = new ConcurrentHashMap<>();
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  final Set<String> stuckOn = ConcurrentHashMap.newKeySet();
  volatile Duration callCost = Duration.ZERO;
  volatile Consumer<AgentRequest> beforeCall = r -> {};
  private final String name;
  private final FakeClock clock;

  FakeAgent(String name, FakeClock clock) {
    this.name = name;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  private String key(AgentRequest r) {
    return r.device().name() + r.plug().map(p -> "/" + p).orElse("");
  }

  private FenceOutcome call(AgentRequest r, int code) {
    calls.add(r.action().protocolName() + " " + key(r));
    beforeCall.accept(r);
    clock.advance(callCost);
    boolean timedOut = callCost.compareTo(r.timeout()) > 0;
    return new FenceOutcome(
        r.action(), r.device().name(), timedOut ? -1 : code, timedOut, callCost, "fake");
  }

  @Override
  public FenceOutcome perform(AgentRequest r) {
    boolean fails = failing.contains(r.action().protocolName() + " " + r.device().name());
    FenceOutcome o = call(r, fails ? 1 : 0);
    if (o.succeeded() && !stuckOn.contains(r.device().name())) {
      power.put(key(r), r.action() == FenceAction.OFF ? PowerStatus.OFF : PowerStatus.ON);
    }
    return o;
  }

  @Override
  public StatusReport status(AgentRequest r) {
    PowerStatus p = power.getOrDefault(key(r), PowerStatus.ON);
    return new StatusReport(p, call(r.withAction(FenceAction.STATUS), 0));
  }

  @Override
  public PlugList list(AgentRequest r) {
    call(r.withAction(FenceAction.LIST), 0);
    return new PlugList(true, List.of(new Plug("vm-1", "node-a"), new Plug("vm-2", "node-b")));
  }

  @Override
  public AgentMetadata metadata(Duration timeout) {
    return new AgentMetadata(name, "fake", List.of(), List.of(FenceAction.values()), "<x/>");
  }
}
