package dev.iocp.channel;

/**
 * {@link IocpUseAfterFreeTest} with every send of the server zero-copy: the kernel sends from the
 * messages' memory until it has let go of it (long after the send's result, while the client
 * reads slowly), so a message released at the result rather than at the notification would be
 * sent as poison. On the nio backend, and on kernels without SEND_ZC, the sends copy as usual.
 */
class IocpZeroCopyUseAfterFreeTest extends IocpUseAfterFreeTest {
    @Override
    int zeroCopyThreshold() {
        return 0;
    }
}
