package dev.iocp.channel.faults;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An echo with the usual backpressure: auto-read goes off when the channel becomes unwritable
 * and on again when it is writable. On half-closure it flushes and closes; on an exception it
 * closes. Every write's promise is counted in a shared {@link Ledger}.
 */
public final class EchoHandler extends ChannelInboundHandlerAdapter {

    /** What the echo handlers of a server did, over all their channels. */
    public static final class Ledger {
        final AtomicLong issued = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger exceptions = new AtomicInteger();
        final Queue<Throwable> closeFailures = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> firstExceptions = new ConcurrentLinkedQueue<>();
        private final ChannelFutureListener settle = f -> (f.isSuccess() ? succeeded : failed).incrementAndGet();

        public long writesIssued() {
            return issued.get();
        }

        /** Writes whose promise completed, successfully or not. */
        public long writesCompleted() {
            return succeeded.get() + failed.get();
        }

        public long writesFailed() {
            return failed.get();
        }

        public long bytesEchoed() {
            return bytes.get();
        }

        /** Closes (ours or the half-closure's) whose promise failed: the close itself went wrong. */
        public Queue<Throwable> closeFailures() {
            return closeFailures;
        }

        ChannelFutureListener closeWatch() {
            return f -> {
                if (!f.isSuccess() && closeFailures.size() < 10) {
                    closeFailures.add(f.cause());
                }
            };
        }

        public int exceptions() {
            return exceptions.get();
        }

        /** The first few exceptions the channels reported. */
        public Queue<Throwable> firstExceptions() {
            return firstExceptions;
        }

        void exception(Throwable cause) {
            if (exceptions.getAndIncrement() < 10) {
                firstExceptions.add(cause);
            }
        }

        ChannelFuture count(ChannelFuture future) {
            issued.incrementAndGet();
            future.addListener(settle);
            return future;
        }

        /** Waits, at most {@code millis}, for every write promise to complete. */
        public boolean awaitWritesCompleted(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (writesCompleted() < writesIssued() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return writesCompleted() >= writesIssued();
        }
    }

    private final Ledger ledger;

    public EchoHandler(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.buffer.ByteBuf buf) {
            ledger.bytes.addAndGet(buf.readableBytes());
        }
        ledger.count(ctx.write(msg));
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ledger.count(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)).addListener(f -> ctx.close().addListener(ledger.closeWatch()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ledger.exception(cause);
        ctx.close().addListener(ledger.closeWatch());
    }
}
