package dev.iocp.benchmarks.soak;

import io.netty.util.AttributeKey;

/** Channel attributes the soak server sets. */
final class SoakAttributes {
    /** Which of the soak's servers accepted the channel: {@code echo} or {@code http}. */
    static final AttributeKey<String> SERVER = AttributeKey.valueOf(SoakAttributes.class, "server");

    private SoakAttributes() {
    }
}
