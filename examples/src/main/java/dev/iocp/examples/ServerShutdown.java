package dev.iocp.examples;

import io.netty.channel.Channel;

/** How an example server waits to be stopped, by its own close or by the JVM shutting down (Ctrl-C). */
final class ServerShutdown {

    private ServerShutdown() {
    }

    /**
     * Blocks until {@code channel} is closed; {@code close} stops the server, from a shutdown hook
     * if the JVM goes first (so open connections are closed gracefully, not cut), and once more
     * after the channel closed (a close that is already done does nothing).
     */
    static void awaitClosed(Channel channel, Runnable close, String hookName) throws InterruptedException {
        Thread hook = new Thread(close, hookName);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            channel.closeFuture().sync();
        } finally {
            close.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is what closed the server; nothing to undo.
            }
        }
    }
}
