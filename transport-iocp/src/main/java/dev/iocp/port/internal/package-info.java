/**
 * Shared by the backends (the io_uring and nio sub-packages of {@code dev.iocp.port}) and the
 * Netty layer ({@code dev.iocp.channel}): the one-owner rule, the queue of posted completions,
 * the wake-up protocol, the metrics recorder and the submission checks every backend applies.
 *
 * <p><b>Not API.</b> These types are public only because Java has no access level between
 * package and public that reaches sub-packages. Applications must not use them: they change
 * or disappear in any release without notice, and no compatibility is promised, as with
 * Netty's {@code io.netty.util.internal}. The API is {@code dev.iocp.channel} and
 * {@code dev.iocp.port}; this package is left out of the javadoc.
 */
package dev.iocp.port.internal;
