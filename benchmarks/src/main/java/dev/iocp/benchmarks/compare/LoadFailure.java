package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A load client's connection failed mid-run: the measurement of that workload is void. */
final class LoadFailure extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    LoadFailure(String message, IOException cause) {
        super(message, cause);
    }
}
