package dev.iocp.port.uring;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_POLL_ADD;
import static dev.iocp.port.uring.sys.LinuxConstants.POLLERR;
import static dev.iocp.port.uring.sys.LinuxConstants.POLLHUP;
import static dev.iocp.port.uring.sys.LinuxConstants.POLLRDHUP;

/**
 * The one poll the port arms to see a connection ending without reading from it: a one-shot
 * {@code IORING_OP_POLL_ADD} that fires once the peer's FIN ({@code POLLRDHUP}) or a reset or
 * error ({@code POLLHUP}, {@code POLLERR}) is in, and never for data alone. Two things arm it:
 * the caller's {@link dev.iocp.port.CompletionPort#submitPeerClosureWatch peer-closure watch},
 * and the watch {@link StreamReceives} keeps beside each multishot receive.
 *
 * <p>One-shot, not {@code IORING_POLL_ADD_MULTI}: each of these conditions stays true once it
 * is, so a second completion would say nothing new. The kernel adds {@code EPOLLERR},
 * {@code EPOLLHUP}, {@code EPOLLRDHUP} and {@code EPOLLNVAL} to every io_uring poll
 * ({@code IO_POLL_UNMASK} in io_uring/poll.c), so these are the fewest events a poll can wait for:
 * naming them here only says what it is for.
 */
final class PeerClosurePoll {
    /** What the poll waits for; its CQE's result is the subset of these that happened, or -errno. */
    static final int EVENTS = POLLRDHUP | POLLERR | POLLHUP;

    private PeerClosurePoll() {
    }

    /** Stages the poll on {@code fd}; its CQE carries {@code userData}. */
    static void prepare(SubmissionQueue submissions, int fd, long userData) {
        submissions.prepare(IORING_OP_POLL_ADD, fd, userData).opFlags(EVENTS);
    }

    /** Whether a fired poll's events include a reset or hang-up, not only the peer's FIN. */
    static boolean hungUp(int result) {
        return result > 0 && (result & (POLLERR | POLLHUP)) != 0;
    }
}
