package dev.quorate.cli;

/**
 * The ensemble a command reads, and the arbiter's witness when it is another ensemble (same
 * credentials and timeout).
 */
final class Connections implements AutoCloseable {
  private final Ensemble ensemble;
  private final Ensemble witness;

  private Connections(Ensemble ensemble, Ensemble witness) {
    this.ensemble = ensemble;
    this.witness = witness;
  }

  /**
   * Connects to the ensemble, and to the witness if one is named.
   *
   * @param settings the ensemble's settings
   * @param witnessConnect the witness's connect string, or null to read the arbiter on the ensemble
   * @return both connections
   * @throws CommandFailure if either cannot be reached
   * @throws InterruptedException if interrupted
   */
  static Connections open(EnsembleSettings settings, String witnessConnect)
      throws InterruptedException {
    Ensemble ensemble = Ensemble.open(settings);
    if (witnessConnect == null) {
      return new Connections(ensemble, ensemble);
    }
    try {
      return new Connections(
          ensemble,
          Ensemble.open(
              new EnsembleSettings(
                  witnessConnect, settings.timeout(), settings.digest(), settings.jaas())));
    } catch (RuntimeException | InterruptedException e) {
      ensemble.close();
      throw e;
    }
  }

  Ensemble ensemble() {
    return ensemble;
  }

  Ensemble witness() {
    return witness;
  }

  @Override
  public void close() {
    if (witness != ensemble) {
      witness.close();
    }
    ensemble.close();
  }
}
