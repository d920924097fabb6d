package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.PortConfig;
import dev.iocp.port.ReceiveBufferSourceContract;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * The receive buffer source contract on io_uring, and the same taking of arrivals in each way
 * the port can run its ring: multishot or single shots, incremental buffers or whole ones, and a
 * ring so small that it runs dry.
 */
class IoUringReceiveBufferSourceTest extends ReceiveBufferSourceContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    static Stream<ReceiveBufferSettings> settings() {
        ReceiveBufferSettings defaults = ReceiveBufferSettings.fromSystemProperties().withMultishot(true);
        ReceiveBufferSettings tiny = new ReceiveBufferSettings(512, 1024, 1, 4, false, true);
        return Stream.of(defaults.withIncremental(false), defaults.withMultishot(false), tiny, tiny.withIncremental(true));
    }

    @ParameterizedTest
    @MethodSource("settings")
    void takenArrivalsKeepTheirBytesWithEveryRingSetup(ReceiveBufferSettings settings) throws Exception {
        port.close();
        CountingSource source = new CountingSource();
        use(IoUringBackend.INSTANCE.openPort(PortConfig.DEFAULT, 0, true, false, settings), source);
        takenArrivalsKeepTheirBytes(source);
    }
}
