package dev.quorate.fence.internal;

import dev.quorate.fence.AgentMetadata;
import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceAgentException;
import dev.quorate.fence.FenceOutcome;
import dev.quorate.fence.PlugList;
import dev.quorate.fence.PowerStatus;
import dev.quorate.fence.StatusReport;
import dev.quorate.lock.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a fence-agents program by its stdin protocol. Exit codes: 0 is success, and for status 0
 * means on, 2 off, anything else an error. Secrets reach the program on stdin only, and anything
 * the program prints is redacted before it is kept.
 */
public final class ExecFenceAgent implements FenceAgent {
  private static final Logger log = LoggerFactory.getLogger(ExecFenceAgent.class);
  private static final Set<FenceAction> PERFORMED =
      EnumSet.of(
          FenceAction.ON,
          FenceAction.OFF,
          FenceAction.REBOOT,
          FenceAction.MONITOR,
          FenceAction.VALIDATE_ALL);
  private static final Pattern STATUS_LINE = Pattern.compile("(?m)^Status: (ON|OFF)\\s*$");

  private final String name;
  private final Path program;

  /**
   * Adapts a program.
   *
   * @param name the agent name
   * @param program the executable
   */
  public ExecFenceAgent(String name, Path program) {
    this.name = OptionRules.checkAgentName(name);
    this.program = Objects.requireNonNull(program, "program");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public FenceOutcome perform(AgentRequest request) throws InterruptedException {
    if (!PERFORMED.contains(request.action())) {
      throw new IllegalArgumentException(
          "perform() runs on, off, reboot, monitor or validate-all, not "
              + request.action().protocolName()
              + "; use status(), list() or metadata()");
    }
    ProcessRun run = run(request);
    return outcome(request, run, run.tail());
  }

  @Override
  public StatusReport status(AgentRequest request) throws InterruptedException {
    AgentRequest status = request.withAction(FenceAction.STATUS);
    ProcessRun run = run(status);
    PowerStatus power =
        run.timedOut()
            ? PowerStatus.UNKNOWN
            : switch (run.exitCode()) {
              case 0 -> PowerStatus.ON;
              case 2 -> PowerStatus.OFF;
              default -> PowerStatus.UNKNOWN;
            };
    String detail = run.tail();
    Matcher printed = STATUS_LINE.matcher(run.stdout());
    if (power != PowerStatus.UNKNOWN && printed.find() && !printed.group(1).equals(power.name())) {
      // Exit code and text disagree: trust neither, a wrong "off" would be a split brain.
      detail =
          "exit code "
              + run.exitCode()
              + " says "
              + power
              + " but the agent printed 'Status: "
              + printed.group(1)
              + "'";
      power = PowerStatus.UNKNOWN;
    }
    // For status, exit code 2 (off) is an answer, not a failure: normalize the outcome's code.
    int code = power == PowerStatus.UNKNOWN ? (run.exitCode() == 0 ? 1 : run.exitCode()) : 0;
    FenceOutcome outcome =
        new FenceOutcome(
            FenceAction.STATUS,
            status.device().name(),
            code,
            run.timedOut(),
            run.elapsed(),
            power + (detail.isEmpty() ? "" : ": " + detail));
    return new StatusReport(power, outcome);
  }

  @Override
  public PlugList list(AgentRequest request) throws InterruptedException {
    AgentRequest list =
        new AgentRequest(
            request.device(), FenceAction.LIST, java.util.Optional.empty(), request.timeout());
    ProcessRun run = run(list);
    requireSuccess(list, run);
    return ListOutput.parse(name, run.stdout());
  }

  @Override
  public AgentMetadata metadata(Duration timeout) throws InterruptedException {
    List<String> lines = List.of("action=" + FenceAction.METADATA.protocolName());
    ProcessRun run = launch(FenceAction.METADATA, lines, timeout, new Redactor(List.of()));
    if (run.timedOut() || run.exitCode() != 0) {
      throw failed(FenceAction.METADATA, run);
    }
    return MetadataXml.parse(name, run.stdout());
  }

  private ProcessRun run(AgentRequest request) throws InterruptedException {
    Map<String, String> shown = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    add(lines, shown, "action", request.action().protocolName());
    request
        .plug()
        .ifPresent(
            plug -> {
              // "port" is fence-agents' canonical option name (plug is its alias) and what
              // Pacemaker sends by default, so older agents understand it too.
              add(lines, shown, "port", plug);
            });
    request.device().options().forEach((k, v) -> add(lines, shown, k, v));
    request
        .device()
        .secrets()
        .forEach(
            (k, v) -> {
              lines.add(k + "=" + v.reveal());
              shown.put(k, Redactor.MASK);
            });
    log.debug(
        "running {} ({}) on device {} with stdin options {}",
        name,
        program,
        request.device().name(),
        shown);
    Redactor redactor = new Redactor(request.device().secrets().values());
    return launch(request.action(), lines, request.timeout(), redactor);
  }

  private static void add(List<String> lines, Map<String, String> shown, String k, String v) {
    lines.add(k + "=" + v);
    shown.put(k, v);
  }

  private ProcessRun launch(
      FenceAction action, List<String> lines, Duration timeout, Redactor redactor)
      throws InterruptedException {
    try {
      ProcessRun run = AgentProcess.run(program, lines, timeout, redactor);
      if (run.timedOut()) {
        log.warn("{} {} timed out after {}; its process tree was killed", name, action, timeout);
      } else {
        log.debug(
            "{} {} exited {} after {}: {}",
            name,
            action,
            run.exitCode(),
            run.elapsed(),
            run.tail());
      }
      return run;
    } catch (IOException e) {
      throw new FenceAgentException(
          ErrorCode.IO_FAILURE,
          "cannot start fence agent "
              + name
              + " ("
              + program
              + ") for "
              + action.protocolName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private FenceOutcome outcome(AgentRequest request, ProcessRun run, String detail) {
    String why =
        run.timedOut()
            ? "timed out after " + request.timeout() + (detail.isEmpty() ? "" : "; " + detail)
            : detail;
    return new FenceOutcome(
        request.action(),
        request.device().name(),
        run.exitCode(),
        run.timedOut(),
        run.elapsed(),
        why);
  }

  private void requireSuccess(AgentRequest request, ProcessRun run) {
    if (run.timedOut() || run.exitCode() != 0) {
      throw failed(request.action(), run);
    }
  }

  private FenceAgentException failed(FenceAction action, ProcessRun run) {
    String what = run.timedOut() ? "timed out (process tree killed)" : "exited " + run.exitCode();
    return new FenceAgentException(
        ErrorCode.IO_FAILURE,
        name
            + " "
            + action.protocolName()
            + " "
            + what
            + (run.tail().isEmpty() ? "" : ": " + run.tail()));
  }

  @Override
  public String toString() {
    return "ExecFenceAgent[" + name + " at " + program + "]";
  }
}
