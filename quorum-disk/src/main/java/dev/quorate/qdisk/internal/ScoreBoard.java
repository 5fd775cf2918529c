package dev.quorate.qdisk.internal;

/** The local heuristics verdict, read by the heartbeat without blocking. */
interface ScoreBoard {
  /** The current total score. */
  int score();

  /** The score a node needs to be eligible as master. */
  int minScore();

  /** A board without heuristics: score 0, always eligible. */
  static ScoreBoard none() {
    return new ScoreBoard() {
      @Override
      public int score() {
        return 0;
      }

      @Override
      public int minScore() {
        return 0;
      }
    };
  }
}
