package dev.iocp.port;

/** A completion as a test records it. */
public record Completion(long key, Operation operation, int result, int flags, long id) {
    @Override
    public String toString() {
        return operation + "(key=" + key + ", result=" + (result < 0 ? Errno.name(result) : Integer.toString(result))
                + ", id=0x" + Long.toHexString(id) + ")";
    }
}
