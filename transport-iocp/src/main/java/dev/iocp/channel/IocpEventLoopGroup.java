package dev.iocp.channel;

import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * A {@link MultiThreadIoEventLoopGroup} of {@link IocpIoHandler}s, with the constructors Netty
 * users know; {@code new MultiThreadIoEventLoopGroup(n, IocpIoHandler.newFactory())} is the same.
 */
public class IocpEventLoopGroup extends MultiThreadIoEventLoopGroup {

    /** As many threads as Netty's default (twice the cores, or {@code io.netty.eventLoopThreads}). */
    public IocpEventLoopGroup() {
        this(0);
    }

    public IocpEventLoopGroup(int threads) {
        super(threads, IocpIoHandler.newFactory());
    }

    public IocpEventLoopGroup(int threads, ThreadFactory threadFactory) {
        super(threads, threadFactory, IocpIoHandler.newFactory());
    }

    public IocpEventLoopGroup(int threads, Executor executor) {
        super(threads, executor, IocpIoHandler.newFactory());
    }
}
