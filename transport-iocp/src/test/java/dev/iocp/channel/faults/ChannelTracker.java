package dev.iocp.channel.faults;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows the life of every channel it is added to (first in the pipeline, from the child
 * initializer): opened vs closed, and how often each lifecycle event fired, so a test can say
 * that every channel was closed, and closed exactly once.
 */
@ChannelHandler.Sharable
public final class ChannelTracker extends ChannelInboundHandlerAdapter {

    /** The events one channel saw. */
    public static final class Life {
        final AtomicInteger registered = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger inactive = new AtomicInteger();
        final AtomicInteger unregistered = new AtomicInteger();
        final AtomicInteger exceptions = new AtomicInteger();
        volatile Throwable firstException;
        volatile String order = "";

        synchronized void event(String name) {
            order = order.isEmpty() ? name : order + "," + name;
        }

        public int active() {
            return active.get();
        }

        public int inactive() {
            return inactive.get();
        }

        public String order() {
            return order;
        }
    }

    private final Map<Channel, Life> lives = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final boolean keepLives;

    /** Tracks every channel's events (for tests with a bounded number of channels). */
    public ChannelTracker() {
        this(true);
    }

    /** With {@code keepLives} false only the opened/closed counts are kept (churn). */
    public ChannelTracker(boolean keepLives) {
        this.keepLives = keepLives;
    }

    /** Call from the initializer: counts the channel as opened and watches its close. */
    public void track(Channel channel) {
        opened.incrementAndGet();
        if (keepLives) {
            lives.put(channel, new Life());
        }
        channel.closeFuture().addListener(f -> closed.incrementAndGet());
    }

    private Life life(ChannelHandlerContext ctx) {
        return keepLives ? lives.get(ctx.channel()) : null;
    }

    private void count(ChannelHandlerContext ctx, String name, java.util.function.Function<Life, AtomicInteger> which) {
        Life life = life(ctx);
        if (life != null) {
            which.apply(life).incrementAndGet();
            life.event(name);
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        count(ctx, "registered", l -> l.registered);
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        count(ctx, "active", l -> l.active);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        count(ctx, "inactive", l -> l.inactive);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        count(ctx, "unregistered", l -> l.unregistered);
        ctx.fireChannelUnregistered();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Life life = life(ctx);
        if (life != null) {
            if (life.exceptions.getAndIncrement() == 0) {
                life.firstException = cause;
            }
        }
        ctx.fireExceptionCaught(cause);
    }

    public int opened() {
        return opened.get();
    }

    public int closed() {
        return closed.get();
    }

    public Map<Channel, Life> lives() {
        return lives;
    }

    /** Waits, at most {@code limit}, until every channel opened so far is closed. */
    public boolean awaitAllClosed(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (closed.get() < opened.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return closed.get() >= opened.get();
    }

    /**
     * Waits, at most {@code limit}, until the opened count has not changed for
     * {@code quiet} and every channel is closed.
     */
    public boolean awaitSettled(Duration quiet, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = opened.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= quiet.toNanos() && closed.get() >= now) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /**
     * What is wrong with the channels' lives: not closed, or an event fired other than once
     * (registered, unregistered, and inactive when active fired).
     */
    public List<String> problems() {
        List<String> all = allProblems();
        if (all.size() <= 12) {
            return all;
        }
        List<String> some = new ArrayList<>(all.subList(0, 12));
        some.add("... and " + (all.size() - 12) + " more");
        return some;
    }

    /** Every problem {@link #problems()} would name. */
    public List<String> allProblems() {
        List<String> problems = new ArrayList<>();
        if (closed.get() != opened.get()) {
            problems.add("opened " + opened.get() + " channels, closed " + closed.get());
        }
        for (Map.Entry<Channel, Life> entry : lives.entrySet()) {
            Channel channel = entry.getKey();
            Life life = entry.getValue();
            String name = channel + " (" + life.order + ")";
            if (!channel.closeFuture().isDone()) {
                problems.add("not closed: " + name + " " + ChannelState.describe(channel)
                        + (life.firstException != null ? ", first exception " + life.firstException : ""));
                continue;
            }
            if (life.registered.get() != 1 || life.unregistered.get() != 1) {
                problems.add("registered " + life.registered.get() + "x, unregistered " + life.unregistered.get() + "x: " + name);
            }
            if (life.active.get() > 1 || life.inactive.get() != life.active.get()) {
                problems.add("active " + life.active.get() + "x, inactive " + life.inactive.get() + "x: " + name);
            }
        }
        return problems;
    }
}
