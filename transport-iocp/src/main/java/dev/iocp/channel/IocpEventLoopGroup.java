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

    /**
     * A group of {@code threads} event loops, with Netty's default thread factory.
     *
     * @param threads how many event loops; 0 for Netty's default
     */
    public IocpEventLoopGroup(int threads) {
        super(threads, IocpIoHandler.newFactory());
    }

    /**
     * A group of {@code threads} event loops whose threads {@code threadFactory} makes.
     *
     * @param threads       how many event loops; 0 for Netty's default
     * @param threadFactory makes each loop's thread, or null for Netty's default
     */
    public IocpEventLoopGroup(int threads, ThreadFactory threadFactory) {
        super(threads, threadFactory, IocpIoHandler.newFactory());
    }

    /**
     * A group of {@code threads} event loops, each run by a task handed to {@code executor}.
     *
     * @param threads  how many event loops; 0 for Netty's default
     * @param executor runs each loop (for as long as the loop lives), or null for Netty's default
     */
    public IocpEventLoopGroup(int threads, Executor executor) {
        super(threads, executor, IocpIoHandler.newFactory());
    }
}
