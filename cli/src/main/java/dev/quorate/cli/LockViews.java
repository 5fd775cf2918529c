package dev.quorate.cli;

import static dev.quorate.lock.internal.json.Json.object;

import dev.quorate.lock.Leader;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.Revocation;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * The text and JSON forms of lock inspections, revocations and leaders, shared by {@code locks},
 * {@code revoke}, {@code leader} and {@code status} (docs/cli.md describes the JSON fields).
 */
final class LockViews {
  private LockViews() {}

  static void print(LockInspection seen, PrintWriter out) {
    out.println(
        seen.resource()
            + (seen.isFree()
                ? ": free"
                : ": " + seen.holders().size() + " held, " + seen.queue().size() + " waiting"));
    for (LockInspection.Holder h : seen.holders()) {
      out.println(
          "  holder  "
              + h.member()
              + "  "
              + h.mode()
              + "  token "
              + h.token()
              + "  since "
              + h.since());
    }
    for (LockInspection.Waiter w : seen.queue()) {
      out.println("  waiter  " + w.member() + "  " + w.mode() + "  since " + w.since());
    }
    for (Revocation r : seen.revocations()) {
      out.println("  " + revocation(r));
    }
  }

  static String revocation(Revocation r) {
    return "revoked token "
        + r.token()
        + " on "
        + r.resource()
        + " (held by "
        + r.holder()
        + ") at "
        + r.at()
        + " by "
        + r.requestedBy()
        + ": "
        + r.reason();
  }

  static String leader(String election, Optional<Leader> leader) {
    return leader
        .map(l -> election + ": " + l.candidate() + "  epoch " + l.epoch() + "  since " + l.since())
        .orElse(election + ": no leader");
  }

  static Map<String, Object> json(LockInspection seen) {
    return object(
        "resource", seen.resource(),
        "holders",
            seen.holders().stream()
                .map(
                    h ->
                        object(
                            "member", h.member(),
                            "mode", h.mode().name(),
                            "token", h.token().toString(),
                            "since", h.since().toString()))
                .toList(),
        "queue",
            seen.queue().stream()
                .map(
                    w ->
                        object(
                            "member", w.member(),
                            "mode", w.mode().name(),
                            "since", w.since().toString()))
                .toList(),
        "revocations", seen.revocations().stream().map(LockViews::json).toList());
  }

  static Map<String, Object> json(Revocation r) {
    return object(
        "resource", r.resource(),
        "token", r.token().toString(),
        "holder", r.holder(),
        "requestedBy", r.requestedBy(),
        "reason", r.reason(),
        "at", r.at().toString());
  }

  static Map<String, Object> json(String election, Optional<Leader> leader) {
    return object(
        "election",
        election,
        "leader",
        leader
            .map(
                l ->
                    object(
                        "candidate", l.candidate(),
                        "epoch", l.epoch().toString(),
                        "since", l.since().toString()))
            .orElse(null));
  }
}
