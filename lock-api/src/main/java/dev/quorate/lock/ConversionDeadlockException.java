package dev.quorate.lock;

/**
 * Thrown when a conversion can never be granted because it waits on another conversion that in turn
 * waits on this lease (for example two PR holders both converting to EX). The lease keeps its
 * previous mode; release it or convert down to let the other conversion proceed.
 */
public final class ConversionDeadlockException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param resource the resource of the lease
   * @param from the mode held
   * @param to the mode asked for
   */
  public ConversionDeadlockException(String resource, LockMode from, LockMode to) {
    super(
        ErrorCode.CONVERSION_DEADLOCK,
        "conversion of lock '"
            + resource
            + "' from "
            + from
            + " to "
            + to
            + " would deadlock with another conversion; the lease stays in "
            + from);
  }
}
