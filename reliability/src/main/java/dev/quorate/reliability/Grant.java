package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;

/**
 * One granted acquire from a client's history: when it was invoked, when the grant returned, and
 * its token. Times are host monotonic nanoseconds.
 */
record Grant(String client, long seq, long invokedAt, long grantedAt, FencingToken token) {}
