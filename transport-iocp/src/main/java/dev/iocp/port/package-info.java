/**
 * The completion-port core: the I/O completion port model, independent of Netty and of the
 * operating system.
 *
 * <h2>The model</h2>
 * A {@link dev.iocp.port.CompletionPort} is a queue of completion packets owned by one thread.
 * Sockets are opened on a port and {@linkplain dev.iocp.port.CompletionPort#register registered}
 * with a key. Operations (accept, connect, receive, send, send-file, shutdown, close, cancel,
 * timeout, no-op, and, where the backend can, a watch for the peer's closure) are submitted on
 * the port; each one yields <em>exactly one</em> final completion
 * (a {@linkplain dev.iocp.port.CompletionPort#submitReceiveStream stream receive} first yields one
 * completion flagged {@link dev.iocp.port.CompletionFlags#MORE} per arrival of data, a
 * {@linkplain dev.iocp.port.CompletionPort#submitZeroCopySend zero-copy send} its result), which the
 * owning thread {@linkplain dev.iocp.port.CompletionPort#dequeue dequeues} in batches into a
 * {@link dev.iocp.port.CompletionHandler}: the socket's key, the operation, a result (bytes, a
 * new connection, or {@code -errno}) and flags.
 *
 * <p>Sockets are TCP ({@link dev.iocp.port.Backend#openSocket}) or UDP
 * ({@link dev.iocp.port.Backend#openDatagramSocket}, a {@link dev.iocp.port.DatagramPortSocket}):
 * a UDP socket moves whole datagrams with
 * {@linkplain dev.iocp.port.CompletionPort#submitSendTo send-to} and
 * {@linkplain dev.iocp.port.CompletionPort#submitReceiveFrom receive-from}, whose completion names
 * the sender; the stream operations are refused on it.
 *
 * <h2>Rules every backend keeps</h2>
 * <ul>
 *   <li><b>One final completion per operation.</b> Also when the operation is cancelled, its socket
 *       closed, or the submission queue was full when it was submitted. Completions before it
 *       (a stream receive's arrivals, a zero-copy send's result) are flagged
 *       {@link dev.iocp.port.CompletionFlags#MORE}.</li>
 *   <li><b>Memory handed to the kernel stays alive until the final completion is dequeued.</b> The port
 *       holds the buffers of an operation until its completion has been delivered; closing a
 *       socket or the port cancels what is in flight and waits for those completions before
 *       anything is freed. Breaking this would be a use-after-free, not a leak.</li>
 *   <li><b>Submitting never runs the handler.</b> Every completion, even of an operation the
 *       kernel finished on the spot, is delivered from {@code dequeue}, so callers never see
 *       re-entrant callbacks.</li>
 *   <li><b>One owner thread.</b> Only the thread that first dequeues from a port may submit and
 *       dequeue on it. Any thread may {@linkplain dev.iocp.port.CompletionPort#post post} or
 *       {@linkplain dev.iocp.port.CompletionPort#wakeup wake} it.</li>
 *   <li><b>Errors carry names.</b> A negative result is {@code -errno} in Linux numbering, on
 *       every backend; {@link dev.iocp.port.Errno} names it and
 *       {@link dev.iocp.port.PortException} turns it into an exception that names the operation
 *       and the address: {@code connect(127.0.0.1:1): ECONNREFUSED (Connection refused)}.</li>
 * </ul>
 *
 * <h2>Backends</h2>
 * {@link dev.iocp.port.Backends} is the one place that picks a backend, from the system property
 * {@code dev.iocp.backend} ({@code auto}, {@code io_uring} or {@code nio}). Nothing else in this
 * package knows which backend runs.
 */
package dev.iocp.port;
