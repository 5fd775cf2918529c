package dev.quorate.vm;

/**
 * One line the guest printed on its serial console.
 *
 * @param text the line, without its line terminator
 * @param receivedNanos when QEMU handed it over, on {@link System#nanoTime()}'s clock, so lines of
 *     two QEMU processes (a migration's source and target) can be compared
 */
public record ConsoleLine(String text, long receivedNanos) {}
