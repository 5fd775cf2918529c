package dev.quorate.samples.docs;

/** The protected resource of the documentation's examples: a volume that takes block writes. */
interface Volume {
  /** Writes a block. */
  void write(byte[] block);
}
