package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.BackendUnavailableException;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.Errno;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.uring.sys.LinuxConstants;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.net.ProtocolFamily;

/**
 * Completion ports on Linux io_uring (5.19 or newer), called from pure Java through
 * {@code java.lang.foreign}.
 */
public final class IoUringBackend implements Backend {

    public static final IoUringBackend INSTANCE = new IoUringBackend();

    private IoUringBackend() {
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public boolean isAvailable() {
        return IoUringProbe.RESULT.cause() == null;
    }

    @Override
    public Throwable unavailabilityCause() {
        return IoUringProbe.RESULT.cause();
    }

    @Override
    public String description() {
        IoUringProbe.Result result = IoUringProbe.RESULT;
        return result.cause() == null ? "io_uring on Linux " + System.getProperty("os.version") + " (" + result.features() + ")"
                : "io_uring unavailable: " + result.cause().getMessage();
    }

    @Override
    public PortSocket openSocket(ProtocolFamily family) throws IOException {
        ensureAvailable();
        return new UringSocket(UringSocket.openDescriptor(family), family);
    }

    @Override
    public DatagramPortSocket openDatagramSocket(ProtocolFamily family) throws IOException {
        ensureAvailable();
        return new UringDatagramSocket(UringSocket.openDescriptor(family, LinuxConstants.SOCK_DGRAM), family);
    }

    @Override
    public CompletionPort openPort(PortConfig config) throws IOException {
        return openPort(config, 0, true);
    }

    /**
     * Opens a port starting from the given entry of {@link Ring#SETUP_PROFILES}, with or without
     * SEND_MSG_RING wake-ups; tests use it to run the contract on what an older kernel gets.
     */
    CompletionPort openPort(PortConfig config, int firstSetupProfile, boolean messageRingWakeups) throws IOException {
        return openPort(config, firstSetupProfile, messageRingWakeups, OperationTable.POISON_BY_DEFAULT);
    }

    /**
     * As above, and with released operation scratch poisoned or not whatever
     * {@code dev.iocp.debug.poison} says; tests use it to run the contract with poisoning on.
     */
    CompletionPort openPort(PortConfig config, int firstSetupProfile, boolean messageRingWakeups,
                            boolean poisonReleasedScratch) throws IOException {
        return openPort(config, firstSetupProfile, messageRingWakeups, poisonReleasedScratch,
                ReceiveBufferSettings.fromSystemProperties());
    }

    /** As above, with the given receive buffers; tests use it to run stream receives as older kernels would. */
    CompletionPort openPort(PortConfig config, int firstSetupProfile, boolean messageRingWakeups,
                            boolean poisonReleasedScratch, ReceiveBufferSettings receiveSettings) throws IOException {
        ensureAvailable();
        return new IoUringPort(this, config, firstSetupProfile, messageRingWakeups, poisonReleasedScratch,
                receiveSettings);
    }

    /** SCM_RIGHTS over IORING_OP_SENDMSG and IORING_OP_RECVMSG ({@link DescriptorMessages}). */
    @Override
    public boolean passesDescriptors() {
        return true;
    }

    @Override
    public void closeDescriptor(int descriptor) throws IOException {
        int rc = Syscalls.close(descriptor);
        if (rc < 0) {
            throw new PortException("close(" + descriptor + "): " + Errno.describe(rc), rc);
        }
    }

    private void ensureAvailable() throws BackendUnavailableException {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw new BackendUnavailableException("io_uring is unavailable: " + cause.getMessage(), cause);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
