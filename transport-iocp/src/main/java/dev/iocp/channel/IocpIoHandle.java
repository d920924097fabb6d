package dev.iocp.channel;

import io.netty.channel.IoHandle;

/**
 * An {@link IoHandle} an {@link IocpIoHandler} can serve: it receives {@link IocpIoEvent}s, the
 * completions of the operations submitted through its {@link IocpIoRegistration}.
 */
public interface IocpIoHandle extends IoHandle {

    /**
     * Closes without waiting for anything: what an {@link IocpIoHandler} calls when its loop shuts
     * down and a {@linkplain #close() graceful close} has not finished in time.
     *
     * @throws Exception if closing fails; the handler logs it and goes on
     */
    default void abort() throws Exception {
        close();
    }

    /**
     * Whether a close is under way that waits only for the completions of the operations it
     * cancelled: what an {@link IocpIoHandler} shutting down waits for before it lets its loop end.
     *
     * @return true while such a close is under way
     */
    default boolean isCancellingForClose() {
        return false;
    }

    /**
     * The loop has handled a batch of completions; called once per batch on the handles that
     * asked for it with {@link IocpIoRegistration#endBatchLater}, so work a handle spreads over
     * several completions (a read batch) ends when the batch does.
     */
    default void completionBatchEnded() {
    }
}
