package dev.quorate.qdisk;

/**
 * The content of one node's mailbox. A message names the target's incarnation, so a node that
 * restarted (new incarnation) ignores an eviction meant for its previous life instead of fencing
 * itself again in a loop.
 *
 * <pre>{@code
 * MailboxMessage pill = new MailboxMessage(3, MessageType.RESET, 0, slot.incarnation(), 1);
 * }</pre>
 *
 * @param target the node id whose mailbox holds the message
 * @param type what the target must do
 * @param sender the sending node id, or 0 for an operator or a fence agent
 * @param targetIncarnation the target incarnation the message applies to, 0 for any
 * @param messageId a number that changes with every message, so a rewrite is visible
 */
public record MailboxMessage(
    int target, MessageType type, int sender, long targetIncarnation, long messageId) {
  /**
   * Validates the fields.
   *
   * @param target the target node id
   * @param type the message type
   * @param sender the sender, 0 or more
   * @param targetIncarnation the incarnation, 0 or more
   * @param messageId the message id
   * @throws IllegalArgumentException if the target is below 1 or a number is negative
   */
  public MailboxMessage {
    java.util.Objects.requireNonNull(type, "type");
    if (target < 1 || sender < 0 || targetIncarnation < 0) {
      throw new IllegalArgumentException(
          "invalid message: target "
              + target
              + ", sender "
              + sender
              + ", incarnation "
              + targetIncarnation);
    }
  }

  /**
   * Tells whether the node in the given incarnation must fence itself on reading this message.
   *
   * @param incarnation the reader's current incarnation
   * @return true for a fencing message addressed to this incarnation (or to any)
   */
  public boolean fences(long incarnation) {
    return type.fencesTarget() && (targetIncarnation == 0 || targetIncarnation == incarnation);
  }
}
