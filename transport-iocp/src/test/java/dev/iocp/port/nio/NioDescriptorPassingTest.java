package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.DescriptorPassingContract;

/**
 * Descriptor passing on the nio backend: refused, since the JDK's channels send and receive no
 * control messages ({@link NioPort#submitSendDescriptors}).
 */
class NioDescriptorPassingTest extends DescriptorPassingContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }
}
