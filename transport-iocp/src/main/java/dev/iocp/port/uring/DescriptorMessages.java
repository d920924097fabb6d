package dev.iocp.port.uring;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortException;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.port.uring.sys.SocketLayouts;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;

import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Descriptor passing on Unix-domain stream sockets ({@code SCM_RIGHTS}, {@code unix(7)}): a send
 * is an {@code IORING_OP_SENDMSG} of one data byte with the descriptors in a control message, a
 * receive an {@code IORING_OP_RECVMSG} with a control buffer for up to
 * {@link SubmissionChecks#MAX_PASSED_DESCRIPTORS}. Single shots: the multishot stream receive
 * reads into provided buffers and has no room for control data.
 *
 * <p>Everything the kernel reads or writes is in the operation's slot ({@link OperationTable}):
 * the msghdr, one iovec, the data bytes after it, and the control buffer over the sockaddr and
 * timespec, which these operations do not use. A receive's descriptors are read out of the slot
 * when its CQE comes, before the slot is freed.
 *
 * <p><b>Sent descriptors are duplicates.</b> The kernel looks a send's descriptors up only when
 * the SENDMSG runs: at the next {@code io_uring_enter} at the earliest, later when it waits for
 * room. A caller that closes a descriptor once the submission returns, as epoll's synchronous
 * {@code sendFd} allows, would have the send fail with {@code EBADF}, or carry whatever file the
 * number was reused for meanwhile. So the control message carries duplicates made during the
 * submission ({@code F_DUPFD_CLOEXEC}), which the port closes when the send completes, however
 * it does: sent, failed, cancelled by a socket's close, or drained by the port's. A descriptor
 * that is not open at submission is refused there ({@code IllegalArgumentException}).
 *
 * <p><b>Ownership of what arrives.</b> The kernel installs received descriptors in this process
 * as the receive completes, whoever is listening: they are the port's until the handler
 * {@linkplain #adopt() adopts} them, and closed when it returns without doing so (a handler that
 * drops the completion, a socket closing with the receive in flight, a port draining). A message
 * whose descriptors did not all arrive ({@code MSG_CTRUNC}) has those that did closed at once and
 * completes with an error: {@code -EMSGSIZE} when the control buffer was full (the message carried
 * more than it holds, and the kernel dropped the rest), {@code -EMFILE} when it was not (the kernel
 * could not install one: this process, or the system, was out of descriptors, or a security module
 * refused it).
 */
final class DescriptorMessages {
    private static final int[] NONE = new int[0];
    private static final long DATA_OFFSET = SocketLayouts.cmsgAlign(SocketLayouts.CMSGHDR.byteSize());
    /** The control buffer a receive offers: room for the most descriptors one message may carry. */
    private static final long RECEIVE_CONTROL_BYTES = SocketLayouts.cmsgSpace(
            (long) SubmissionChecks.MAX_PASSED_DESCRIPTORS * Integer.BYTES);

    static {
        if (RECEIVE_CONTROL_BYTES > OperationTable.CONTROL_BYTES) {
            throw new AssertionError("the slot's control buffer holds " + OperationTable.CONTROL_BYTES
                    + " bytes, not CMSG_SPACE of " + SubmissionChecks.MAX_PASSED_DESCRIPTORS + " descriptors");
        }
    }

    private final SubmissionQueue submissions;
    private final OperationTable operations;
    private final PortMetricsRecorder metrics;
    /** Tells the socket's close that one of its operations has completed ({@link SocketCloses}). */
    private final Consumer<UringSocket> operationDone;
    /** The descriptors of the receive completion being handled, until adopted; null otherwise. */
    private int[] received;

    DescriptorMessages(SubmissionQueue submissions, OperationTable operations, PortMetricsRecorder metrics,
                       Consumer<UringSocket> operationDone) {
        this.submissions = submissions;
        this.operations = operations;
        this.metrics = metrics;
        this.operationDone = operationDone;
    }

    /**
     * The SENDMSG of one zero byte carrying duplicates of {@code descriptors} in an SCM_RIGHTS
     * message, on a socket the port owns.
     *
     * @throws IllegalArgumentException where one of them is not open (EBADF): nothing is sent
     * @throws UncheckedIOException      where no duplicate can be made (EMFILE, ENFILE)
     */
    long submitSend(UringSocket socket, int[] descriptors) {
        SubmissionChecks.descriptorSocket(socket);
        SubmissionChecks.descriptors(descriptors); // before a slot is taken, as every refusal
        int[] duplicates = duplicate(descriptors);
        try {
            metrics.submitted();
            long id = operations.acquireFor(Operation.SEND_DESCRIPTORS.ordinal(), socket);
            int slot = UserData.slot(id);
            MemorySegment scratch = operations.scratch(slot);
            long base = operations.scratchBase(slot);
            long dataBytes = (long) duplicates.length * Integer.BYTES;
            scratch.set(JAVA_BYTE, base + OperationTable.DESCRIPTOR_DATA, (byte) 0);
            long msghdr = writeMessage(scratch, base, 1, SocketLayouts.cmsgSpace(dataBytes));
            long control = base + OperationTable.CONTROL;
            scratch.set(JAVA_LONG, control + SocketLayouts.CMSG_LEN, SocketLayouts.cmsgLength(dataBytes));
            scratch.set(JAVA_INT, control + SocketLayouts.CMSG_LEVEL, SOL_SOCKET);
            scratch.set(JAVA_INT, control + SocketLayouts.CMSG_TYPE, SCM_RIGHTS);
            for (int i = 0; i < duplicates.length; i++) {
                scratch.set(JAVA_INT, control + DATA_OFFSET + (long) i * Integer.BYTES, duplicates[i]);
            }
            submissions.prepare(IORING_OP_SENDMSG, socket.fd, id).address(scratch.address() + msghdr)
                    .opFlags(MSG_NOSIGNAL);
            return id;
        } catch (RuntimeException | Error e) {
            closeAll(duplicates); // no SENDMSG will complete to close them
            throw e;
        }
    }

    /**
     * A close-on-exec duplicate of each of {@code descriptors}, made now: the caller may close its
     * own as soon as the submission returns (see the class comment). All are checked open before
     * any is duplicated: a duplicate takes the lowest free number, which may be that of a later
     * one the caller closed, and would make it look open.
     */
    private static int[] duplicate(int[] descriptors) {
        for (int fd : descriptors) {
            if (Syscalls.fcntl(fd, F_GETFD, 0) == -Errno.EBADF) {
                throw new IllegalArgumentException("descriptor " + fd + " is not open (EBADF): nothing was sent");
            }
        }
        int[] duplicates = new int[descriptors.length];
        for (int i = 0; i < descriptors.length; i++) {
            int duplicate = Syscalls.fcntl(descriptors[i], F_DUPFD_CLOEXEC, 0);
            if (duplicate < 0) {
                closeAll(Arrays.copyOf(duplicates, i));
                throw new UncheckedIOException(new PortException("fcntl(" + descriptors[i] + ", F_DUPFD_CLOEXEC): "
                        + Errno.describe(duplicate) + ": nothing was sent", duplicate));
            }
            duplicates[i] = duplicate;
        }
        return duplicates;
    }

    /** The RECVMSG of one message, on a socket the port owns: up to {@link OperationTable#DESCRIPTOR_DATA_BYTES} data bytes and its descriptors. */
    long submitReceive(UringSocket socket) {
        SubmissionChecks.descriptorSocket(socket);
        socket.ensureNoStream(); // it would take the messages, and the kernel would drop their descriptors
        metrics.submitted();
        long id = operations.acquireFor(Operation.RECEIVE_DESCRIPTORS.ordinal(), socket);
        socket.receivesInFlight++;
        int slot = UserData.slot(id);
        MemorySegment scratch = operations.scratch(slot);
        long base = operations.scratchBase(slot);
        long msghdr = writeMessage(scratch, base, OperationTable.DESCRIPTOR_DATA_BYTES, RECEIVE_CONTROL_BYTES);
        // Close-on-exec: a descriptor the caller has not adopted yet must not reach a child process.
        submissions.prepare(IORING_OP_RECVMSG, socket.fd, id).address(scratch.address() + msghdr)
                .opFlags(MSG_CMSG_CLOEXEC);
        return id;
    }

    /** A msghdr with one iovec over the slot's data bytes and a zeroed control buffer; returns its offset. */
    private static long writeMessage(MemorySegment scratch, long base, long dataBytes, long controlBytes) {
        long msghdr = base + OperationTable.MSGHDR;
        scratch.asSlice(msghdr, SocketLayouts.MSGHDR.byteSize()).fill((byte) 0);
        scratch.asSlice(base + OperationTable.CONTROL, OperationTable.CONTROL_BYTES).fill((byte) 0);
        long iovec = base + OperationTable.IOVECS;
        scratch.set(JAVA_LONG, iovec, scratch.address() + base + OperationTable.DESCRIPTOR_DATA);
        scratch.set(JAVA_LONG, iovec + 8, dataBytes);
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_IOV, scratch.address() + iovec);
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_IOVLEN, 1L);
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_CONTROL, scratch.address() + base + OperationTable.CONTROL);
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_CONTROLLEN, controlBytes);
        return msghdr;
    }

    /** Whether a user_data kind is one of the operations here. */
    static boolean isDescriptorKind(int kind) {
        return kind == Operation.SEND_DESCRIPTORS.ordinal() || kind == Operation.RECEIVE_DESCRIPTORS.ordinal();
    }

    /**
     * Routes the CQE of a descriptor send or receive: a receive's descriptors are read out of the
     * slot before it is freed, offered to the handler, and closed if it did not adopt them.
     *
     * @return how many completions reached the handler (always 1)
     */
    int completed(long userData, int kind, int result, int cqeFlags, CompletionHandler handler) {
        int slot = operations.slotOf(userData);
        long key = operations.key(slot);
        UringSocket socket = operations.socket(slot);
        if (kind == Operation.SEND_DESCRIPTORS.ordinal()) {
            closeAll(descriptorsIn(slot)); // the duplicates it carried, whatever the result
            operations.release(slot);
            operationDone.accept(socket);
            handler.onCompletion(key, Operation.SEND_DESCRIPTORS, result, 0, userData);
            return 1;
        }
        socket.receivesInFlight--;
        int[] descriptors = result > 0 ? descriptorsIn(slot) : NONE;
        if (result > 0 && (messageFlags(slot) & MSG_CTRUNC) != 0) {
            closeAll(descriptors); // the message is cut: what did arrive is no use to anyone
            // Fewer than there was room for: the kernel failed to install the next one.
            result = descriptors.length < roomForDescriptors(slot) ? -Errno.EMFILE : -Errno.EMSGSIZE;
            descriptors = NONE;
        }
        boolean pending = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
        socket.inputPending = pending;
        operations.release(slot);
        operationDone.accept(socket);
        received = result > 0 ? descriptors : null;
        try {
            handler.onCompletion(key, Operation.RECEIVE_DESCRIPTORS, result,
                    pending ? CompletionFlags.INPUT_PENDING : 0, userData);
        } finally {
            int[] unadopted = received;
            received = null;
            if (unadopted != null) {
                closeAll(unadopted); // declined, not leaked
            }
        }
        return 1;
    }

    /** See {@link dev.iocp.port.CompletionPort#adoptReceivedDescriptors()}. */
    int[] adopt() {
        int[] descriptors = received;
        if (descriptors == null) {
            throw new IllegalStateException("no descriptor receive completion with descriptors to adopt is being "
                    + "handled (or they were adopted already)");
        }
        received = null;
        return descriptors;
    }

    private int messageFlags(int slot) {
        return operations.scratch(slot).get(JAVA_INT,
                operations.scratchBase(slot) + OperationTable.MSGHDR + SocketLayouts.MSG_FLAGS);
    }

    /**
     * The descriptors of every SCM_RIGHTS message in the slot's control buffer, in order: a
     * receive's, where the kernel wrote {@code msg_controllen} bytes of control messages one after
     * another, or the duplicates a send carries.
     */
    private int[] descriptorsIn(int slot) {
        MemorySegment scratch = operations.scratch(slot);
        long control = operations.scratchBase(slot) + OperationTable.CONTROL;
        long length = controlLength(slot);
        int[] descriptors = NONE;
        long messageLength;
        for (long at = 0; (messageLength = messageAt(scratch, control, length, at)) > 0;
                at += SocketLayouts.cmsgAlign(messageLength)) {
            if (isRights(scratch, control + at)) {
                int count = (int) ((messageLength - DATA_OFFSET) / Integer.BYTES);
                int first = descriptors.length;
                descriptors = Arrays.copyOf(descriptors, first + count);
                for (int i = 0; i < count; i++) {
                    descriptors[first + i] = scratch.get(JAVA_INT, control + at + DATA_OFFSET + (long) i * Integer.BYTES);
                }
            }
        }
        return descriptors;
    }

    /**
     * How many descriptors the kernel had room for in a receive's control buffer: what is left
     * for the SCM_RIGHTS message after the control messages it puts first (credentials, were
     * SO_PASSCRED set), as {@code scm_detach_fds} counts it.
     */
    private int roomForDescriptors(int slot) {
        MemorySegment scratch = operations.scratch(slot);
        long control = operations.scratchBase(slot) + OperationTable.CONTROL;
        long length = controlLength(slot);
        long before = length; // no SCM_RIGHTS message: the others filled what the kernel used
        long messageLength;
        for (long at = 0; (messageLength = messageAt(scratch, control, length, at)) > 0;
                at += SocketLayouts.cmsgAlign(messageLength)) {
            if (isRights(scratch, control + at)) {
                before = at;
                break;
            }
        }
        return (int) Math.max(0, (RECEIVE_CONTROL_BYTES - before - DATA_OFFSET) / Integer.BYTES);
    }

    /** The control messages' bytes in the slot: the msghdr's {@code msg_controllen}, within the buffer. */
    private long controlLength(int slot) {
        return Math.min(operations.scratch(slot).get(JAVA_LONG,
                operations.scratchBase(slot) + OperationTable.MSGHDR + SocketLayouts.MSG_CONTROLLEN),
                OperationTable.CONTROL_BYTES);
    }

    /** The length of the control message at {@code at}, or 0 where no whole one is left in {@code length} bytes. */
    private static long messageAt(MemorySegment scratch, long control, long length, long at) {
        if (at + SocketLayouts.CMSGHDR.byteSize() > length) {
            return 0;
        }
        long messageLength = scratch.get(JAVA_LONG, control + at + SocketLayouts.CMSG_LEN);
        return messageLength < SocketLayouts.CMSGHDR.byteSize() || at + messageLength > length ? 0 : messageLength;
    }

    private static boolean isRights(MemorySegment scratch, long message) {
        return scratch.get(JAVA_INT, message + SocketLayouts.CMSG_LEVEL) == SOL_SOCKET
                && scratch.get(JAVA_INT, message + SocketLayouts.CMSG_TYPE) == SCM_RIGHTS;
    }

    private static void closeAll(int[] descriptors) {
        for (int fd : descriptors) {
            Syscalls.close(fd);
        }
    }
}
