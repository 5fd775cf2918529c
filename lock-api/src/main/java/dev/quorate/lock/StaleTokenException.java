package dev.quorate.lock;

/**
 * Thrown by a {@link TokenGuard} when a token is older than the newest token the resource has
 * already accepted: its holder's lease was lost and another holder has since written.
 */
public final class StaleTokenException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /** The token that was presented. */
  private final FencingToken rejected;

  /** The newest token already accepted. */
  private final FencingToken highest;

  /**
   * Creates the exception.
   *
   * @param rejected the token that was presented
   * @param highest the newest token already accepted
   */
  public StaleTokenException(FencingToken rejected, FencingToken highest) {
    super(
        ErrorCode.STALE_TOKEN,
        "fencing token " + rejected + " is older than " + highest + ", already accepted");
    this.rejected = rejected;
    this.highest = highest;
  }

  /**
   * Returns the token that was rejected.
   *
   * @return the presented token
   */
  public FencingToken rejected() {
    return rejected;
  }

  /**
   * Returns the newest token the resource had accepted.
   *
   * @return the highest accepted token
   */
  public FencingToken highest() {
    return highest;
  }
}
