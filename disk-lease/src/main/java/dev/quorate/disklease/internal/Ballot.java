package dev.quorate.disklease.internal;

/**
 * One host's Disk Paxos block for one resource slot (Gafni and Lamport's {@code dblock}): the
 * highest ballot it started ({@code mbal}), the ballot of the value it last accepted ({@code bal},
 * 0 for none) and that value. {@code lver} names the instance; blocks of older instances are
 * ignored, blocks of newer ones mean the reader's view of the slot is stale.
 *
 * @param hostId the writing host
 * @param lver the instance
 * @param mbal the highest ballot started
 * @param bal the ballot of the accepted value, 0 if none
 * @param value the accepted value (or the proposal written with {@code mbal}); its lver is {@code
 *     lver}
 */
record Ballot(int hostId, long lver, long mbal, long bal, LeaseValue value) {}
