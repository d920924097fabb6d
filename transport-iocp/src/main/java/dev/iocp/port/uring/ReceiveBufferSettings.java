package dev.iocp.port.uring;

/**
 * How a port's {@link ReceiveBuffers} are sized and used.
 *
 * @param bufferSize            bytes per buffer when each arrival takes a whole buffer (kernels
 *                              before 6.12)
 * @param incrementalBufferSize bytes per buffer with incremental consumption (6.12), where
 *                              arrivals share a buffer: larger, so bulk transfers take fewer
 *                              completions
 * @param initialBuffers        buffers allocated when the port first receives
 * @param maxBuffers            the most the ring grows to; memory per port is at most
 *                              {@code maxBuffers} times the buffer size
 * @param incremental           ask for incremental consumption where the kernel has it
 * @param multishot             one armed multishot receive per stream (6.0); otherwise the port
 *                              re-arms a single-shot receive after each arrival (what 5.19 can do)
 */
record ReceiveBufferSettings(int bufferSize, int incrementalBufferSize, int initialBuffers, int maxBuffers,
                             boolean incremental, boolean multishot) {

    /**
     * From the system properties {@code dev.iocp.uring.receiveBufferSize} (default 16 KiB),
     * {@code dev.iocp.uring.receiveBuffers} (the maximum, default 256),
     * {@code dev.iocp.uring.incrementalBuffers} (default true) and
     * {@code dev.iocp.uring.multishotReceive} (default true; multishot needs 6.0, so older
     * kernels re-arm single shots whatever it says; {@code false} has every kernel re-arm single
     * shots).
     */
    static ReceiveBufferSettings fromSystemProperties() {
        int size = Integer.getInteger("dev.iocp.uring.receiveBufferSize", 16 * 1024);
        int max = Integer.getInteger("dev.iocp.uring.receiveBuffers", 256);
        boolean incremental = Boolean.parseBoolean(System.getProperty("dev.iocp.uring.incrementalBuffers", "true"));
        boolean multishot = Boolean.parseBoolean(System.getProperty("dev.iocp.uring.multishotReceive", "true"));
        return new ReceiveBufferSettings(size, Math.max(size, 64 * 1024), 8, max, incremental,
                multishot && KernelVersion.atLeast(6, 0));
    }

    ReceiveBufferSettings {
        if (bufferSize < 1 || incrementalBufferSize < 1 || initialBuffers < 1 || maxBuffers < initialBuffers
                || maxBuffers > 32768) {
            throw new IllegalArgumentException("receive buffers: sizes must be positive and 1 <= initial ("
                    + initialBuffers + ") <= max (" + maxBuffers + ") <= 32768; size " + bufferSize);
        }
    }

    ReceiveBufferSettings withMultishot(boolean on) {
        return new ReceiveBufferSettings(bufferSize, incrementalBufferSize, initialBuffers, maxBuffers, incremental, on);
    }

    ReceiveBufferSettings withIncremental(boolean on) {
        return new ReceiveBufferSettings(bufferSize, incrementalBufferSize, initialBuffers, maxBuffers, on, multishot);
    }

    ReceiveBufferSettings withBuffers(int initial, int max) {
        return new ReceiveBufferSettings(bufferSize, incrementalBufferSize, initial, max, incremental, multishot);
    }
}
