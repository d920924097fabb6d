package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortException;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.util.Arrays;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_NOP;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_POLL_ADD;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_SPLICE;
import static dev.iocp.port.uring.sys.LinuxConstants.IOSQE_IO_LINK;
import static dev.iocp.port.uring.sys.LinuxConstants.POLLOUT;
import static dev.iocp.port.uring.sys.LinuxConstants.SPLICE_F_NONBLOCK;

/**
 * The send-file operations in flight on one port: each moves up to a pipe-full of a file into a
 * {@link SplicePipe} and splices the pipe into the socket, in a few steps that each complete on
 * the ring (user_data kinds {@code KIND_SPLICE_*}) and one completion for the caller at the end.
 *
 * <p><b>The steps.</b>
 * <ol>
 *   <li>File → pipe. Where the file's descriptor can be had ({@link FileChannelDescriptors}), an
 *       {@code IORING_OP_SPLICE} from the file, linked ({@code IOSQE_IO_LINK}) to the splice
 *       into the socket, both in the same submission: the disk read, if any, runs in io-wq
 *       and the loop never waits for it. Otherwise the JDK moves the pages into the pipe itself,
 *       in the submit call ({@code FileChannel.transferTo}, which is {@code sendfile(2)} into
 *       the pipe: page references, no copy), and only the splice into the socket is submitted.</li>
 *   <li>Pipe → socket, {@code IORING_OP_SPLICE}. The socket is non-blocking, so this takes what
 *       fits in the socket buffer and returns at once: possibly fewer bytes than the pipe holds,
 *       or EAGAIN.</li>
 *   <li>While bytes are left in the pipe, a poll for POLLOUT linked to another splice into the
 *       socket (a splice has no poll of its own in io_uring: on a full socket it just fails with
 *       EAGAIN).</li>
 * </ol>
 * The operation completes once the pipe is empty, with the bytes the socket took. A splice
 * from the file that moves fewer bytes than asked (the file ends, or, unlikely, the kernel stops
 * early) cuts the link: the splice into the socket then completes with -ECANCELED and is
 * submitted again for what the pipe holds.
 *
 * <p><b>No stale bytes.</b> A pipe goes back to {@link SplicePipes} only when its send left it
 * empty. A send that ends with bytes still in its pipe (an error, a cancellation, the socket
 * closing) closes that pipe, so nothing of it can reach another socket.
 *
 * <p><b>Descriptors looked up late.</b> io_uring runs splices in io-wq workers and only there
 * turns their descriptor numbers into files, also for the splice into the socket. A socket's
 * close is therefore held back while a send-file of it is in flight
 * ({@link UringSocket#splicing}), or the worker could find the number closed, or reused by
 * another connection; the file's descriptor is a duplicate this class closes once its splice
 * has completed; pipes are closed only once no step of theirs is in flight.
 *
 * <p>Per-slot state objects are reused with their slots, so a steady stream of send-files
 * allocates nothing here beyond what the JDK's {@code transferTo} allocates.
 */
final class SpliceSends {
    /** The kernel's internal restart codes: never user-visible errnos (include/linux/errno.h). */
    private static final int ERESTARTSYS = 512;
    private static final int ERESTART_RESTARTBLOCK = 516;
    /** {@link #stepCompleted}'s answer while the operation goes on. */
    static final int IN_PROGRESS = Integer.MIN_VALUE;

    // Steps of the chain in flight, as bits.
    private static final int IN = 1;
    private static final int OUT = 1 << 1;
    private static final int WAIT = 1 << 2;
    private static final int DONE = 1 << 3;

    private final SubmissionQueue submissions;
    private final OperationTable operations;
    private final SplicePipes pipes = new SplicePipes();
    private Send[] sends = new Send[0];
    private boolean portClosing;

    SpliceSends(SubmissionQueue submissions, OperationTable operations) {
        this.submissions = submissions;
        this.operations = operations;
    }

    /** One send-file in flight. */
    private static final class Send {
        long id;
        UringSocket socket;
        SplicePipe pipe;
        /** The duplicate of the file's descriptor the splice from the file reads, or -1. */
        int fileFd = -1;
        /** Bytes asked of the splice from the file. */
        int requested;
        /** Bytes in the pipe, not yet taken by the socket. */
        int inPipe;
        /** Bytes the socket took. */
        int sent;
        /** The result of a send decided at submission, delivered by a no-op (DONE). */
        int decided;
        boolean cancelled;
        /** The steps of the chain in flight (IN, OUT, WAIT, DONE bits), and how many have yet to complete. */
        int steps;
        int pending;
        int inResult;
        int outResult;
        int waitResult;
        /** The user_data of the step a cancel aims at: the first one not yet completed. */
        long head;
    }

    /**
     * Starts a send-file whose slot was just taken. Nothing here throws: what fails from now on
     * is the operation's result.
     */
    void start(long id, UringSocket socket, FileChannel file, long position, int count) {
        Send s = send(UserData.slot(id));
        s.id = id;
        s.socket = socket;
        s.fileFd = -1;
        s.inPipe = 0;
        s.sent = 0;
        s.cancelled = false;
        socket.splicing++;
        try {
            s.pipe = pipes.take();
        } catch (PortException e) {
            decide(s, -e.errno()); // EMFILE, say: the send fails, the port goes on
            return;
        }
        int length = s.pipe.bytesFor(position, count);
        int fd = FileChannelDescriptors.duplicate(file);
        if (fd >= 0) {
            s.fileFd = fd;
            fillAndSend(s, position, length);
        } else if (fd != FileChannelDescriptors.NOT_REACHABLE) {
            decide(s, fd);
        } else {
            int moved = fillThroughTheJdk(s, file, position, length);
            if (moved > 0) {
                s.inPipe = moved;
                drain(s);
            } else {
                decide(s, moved); // 0: the file ends before the range starts
            }
        }
    }

    /**
     * Moves up to {@code length} bytes into the empty pipe with {@link FileChannel#transferTo},
     * which the JDK does with {@code sendfile(2)} into the pipe.
     *
     * @return the bytes moved, 0 at the end of the file, or -errno
     */
    private int fillThroughTheJdk(Send s, FileChannel file, long position, int length) {
        FileChannel sink;
        try {
            sink = s.pipe.sink();
        } catch (IOException e) {
            return -Errno.EOPNOTSUPP; // no /proc to reopen the pipe through, and no descriptor
        }
        try {
            return (int) file.transferTo(position, length, sink);
        } catch (ClosedChannelException | NonReadableChannelException e) {
            discardPipe(s); // an interrupt closes the sink too (ClosedByInterruptException)
            return -Errno.EBADF;
        } catch (IOException | RuntimeException e) {
            discardPipe(s);
            return -Errno.EIO;
        }
    }

    /** The file → pipe splice, linked to the pipe → socket one where the ring can take both at once. */
    private void fillAndSend(Send s, long position, int length) {
        boolean link = submissions.canLink(2);
        if (link) {
            submissions.beginChain(2);
        }
        s.head = UserData.withKind(s.id, UserData.KIND_SPLICE_IN);
        s.requested = length;
        submissions.prepare(IORING_OP_SPLICE, s.pipe.writeFd, s.head).spliceInput(s.fileFd, position)
                .offset(-1L).length(length).opFlags(SPLICE_F_NONBLOCK).flags(link ? IOSQE_IO_LINK : 0);
        s.steps = IN;
        s.pending = 1;
        if (link) {
            prepareOut(s, length);
        }
    }

    /** The pipe → socket splice of what the pipe holds. */
    private void drain(Send s) {
        s.head = UserData.withKind(s.id, UserData.KIND_SPLICE_OUT);
        s.steps = 0;
        s.pending = 0;
        prepareOut(s, s.inPipe);
    }

    /** A poll for the socket to take more, linked to the splice that gives it the rest of the pipe. */
    private void waitAndDrain(Send s) {
        boolean link = submissions.canLink(2);
        if (link) {
            submissions.beginChain(2);
        }
        s.head = UserData.withKind(s.id, UserData.KIND_SPLICE_WAIT);
        submissions.prepare(IORING_OP_POLL_ADD, s.socket.fd, s.head).opFlags(POLLOUT)
                .flags(link ? IOSQE_IO_LINK : 0);
        s.steps = WAIT;
        s.pending = 1;
        if (link) {
            prepareOut(s, s.inPipe);
        }
    }

    private void prepareOut(Send s, int length) {
        submissions.prepare(IORING_OP_SPLICE, s.socket.fd, UserData.withKind(s.id, UserData.KIND_SPLICE_OUT))
                .spliceInput(s.pipe.readFd, -1L).offset(-1L).length(length).opFlags(SPLICE_F_NONBLOCK);
        s.steps |= OUT;
        s.pending++;
    }

    /**
     * A splice that an io-wq worker was running when a cancellation (the socket's close) stopped it
     * can complete with one of the kernel's internal restart codes (ERESTARTSYS to
     * ERESTART_RESTARTBLOCK, 512 to 516 in include/linux/errno.h), which a system call never
     * returns to user space: the step was cancelled, and says so.
     */
    private static int restartAsCancel(int result) {
        return result <= -ERESTARTSYS && result >= -ERESTART_RESTARTBLOCK ? -Errno.ECANCELED : result;
    }

    /** Delivers a result known now, from the next dequeue: submitting never runs the handler. */
    private void decide(Send s, int result) {
        s.decided = result;
        s.steps = DONE;
        s.pending = 1;
        s.head = UserData.withKind(s.id, UserData.KIND_SPLICE_DONE);
        submissions.prepare(IORING_OP_NOP, -1, s.head);
    }

    /**
     * One step of a send-file completed.
     *
     * @return the operation's result when this was its last step, else {@link #IN_PROGRESS}
     */
    int stepCompleted(long userData, int kind, int result) {
        Send s = sends[operations.slotOf(userData)];
        result = restartAsCancel(result);
        switch (kind) {
            case UserData.KIND_SPLICE_IN -> s.inResult = result;
            case UserData.KIND_SPLICE_OUT -> s.outResult = result;
            case UserData.KIND_SPLICE_WAIT -> s.waitResult = result;
            default -> { } // DONE
        }
        if (--s.pending > 0) {
            s.head = UserData.withKind(s.id, UserData.KIND_SPLICE_OUT); // the step a link runs next
            return IN_PROGRESS;
        }
        return advance(s);
    }

    /** The chain in flight has completed: the send ends, or its next chain is submitted. */
    private int advance(Send s) {
        int steps = s.steps;
        if ((steps & DONE) != 0) {
            return finish(s, s.decided);
        }
        if ((steps & IN) != 0) {
            closeFile(s);
            if (s.inResult <= 0) {
                return finish(s, s.inResult); // failed, or 0: the file ends before the range starts
            }
            s.inPipe = s.inResult;
        }
        // A short splice from the file or a failed poll cut the link: the splice into the socket
        // after it did not run (its -ECANCELED says so, not a cancellation).
        boolean linkCut = ((steps & IN) != 0 && s.inResult != s.requested) || ((steps & WAIT) != 0 && s.waitResult < 0);
        boolean outRan = (steps & OUT) != 0 && !linkCut;
        if (outRan) {
            int r = s.outResult;
            if (r > 0) {
                s.sent += r;
                s.inPipe -= r;
            } else if (r != -Errno.EAGAIN) {
                // 0 would mean an empty pipe, which a send never splices: reported, not retried
                return finish(s, s.sent > 0 ? s.sent : r == 0 ? -Errno.EIO : r);
            }
        } else if ((steps & WAIT) != 0 && s.waitResult < 0) {
            return finish(s, s.sent > 0 ? s.sent : s.waitResult);
        }
        if (s.inPipe == 0) {
            return finish(s, s.sent);
        }
        if (s.cancelled || portClosing || s.socket.state != UringSocket.State.OPEN) {
            return finish(s, s.sent > 0 ? s.sent : -Errno.ECANCELED);
        }
        if (outRan) {
            waitAndDrain(s); // the socket took less than the pipe held: it is full for now
        } else {
            drain(s);
        }
        return IN_PROGRESS;
    }

    /** Ends a send: its pipe goes back if empty, else is closed; its socket may close now. */
    private int finish(Send s, int result) {
        closeFile(s);
        if (s.pipe != null) {
            if (s.inPipe == 0) {
                pipes.giveBack(s.pipe);
            } else {
                pipes.discard(s.pipe);
            }
            s.pipe = null;
        }
        s.socket.splicing--;
        s.socket = null;
        return result;
    }

    private void discardPipe(Send s) {
        pipes.discard(s.pipe);
        s.pipe = null;
    }

    private void closeFile(Send s) {
        if (s.fileFd >= 0) {
            Syscalls.close(s.fileFd);
            s.fileFd = -1;
        }
    }

    /**
     * Where a cancel of {@code operationId} must aim: a send-file is never one SQE but the step
     * it has in flight, which this returns, and which is marked so that no step follows it.
     * Anything else is its own target.
     */
    long cancelTarget(long operationId) {
        if (UserData.kind(operationId) != Operation.SEND_FILE.ordinal() || !operations.isInFlight(operationId)) {
            return operationId;
        }
        Send s = sends[UserData.slot(operationId)];
        s.cancelled = true;
        return s.head;
    }

    /** The port is closing: steps in flight run to their end, and no new one starts. */
    void portClosing() {
        portClosing = true;
    }

    /**
     * Closes the idle pipe. Pipes and file descriptors of sends that never completed stay
     * open: their steps may still be looked up by number.
     */
    void close() {
        pipes.close();
    }

    private Send send(int slot) {
        if (slot >= sends.length) {
            sends = Arrays.copyOf(sends, Math.max(slot + 1, sends.length * 2));
        }
        Send s = sends[slot];
        if (s == null) {
            s = new Send();
            sends[slot] = s;
        }
        return s;
    }
}
