package dev.iocp.port.internal;

/**
 * The one-owner rule every backend's port keeps: the first thread to use the port owns it, and
 * any other thread (but for post() and wakeup()) is refused with the same message.
 */
public final class OwnerThread {
    /** Read by the owner on every call, so a plain field. */
    private Thread owner;
    /** The same, for other threads (metrics); written only when ownership changes. */
    private volatile Thread published;

    /**
     * Checks the calling thread.
     *
     * @return true exactly once: when the calling thread has just become the owner, so the
     *         backend can bind its kernel objects to it
     * @throws IllegalStateException if another thread owns the port
     */
    public boolean claim() {
        Thread current = Thread.currentThread();
        if (current == owner) {
            return false;
        }
        if (owner != null) {
            throw new IllegalStateException("this port is owned by thread '" + owner.getName()
                    + "'; it was used from '" + current.getName()
                    + "' (only post() and wakeup() may be called from other threads)");
        }
        owner = current;
        published = current;
        return true;
    }

    /** Undoes a {@link #claim()} whose binding failed, so the port stays unowned. */
    public void release() {
        owner = null;
        published = null;
    }

    /** Whether some thread has used the port. */
    public boolean isClaimed() {
        return owner != null;
    }

    /** The owner, or null while there is none; any thread. */
    public Thread thread() {
        return published;
    }
}
