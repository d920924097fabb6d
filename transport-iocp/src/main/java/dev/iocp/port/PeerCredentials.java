package dev.iocp.port;

/**
 * Who the process at the other end of a Unix-domain connection was when it connected (or, for a
 * connecting socket, when the listener was made): Linux's {@code SO_PEERCRED}
 * ({@code struct ucred}, see {@code unix(7)}). The kernel takes these at {@code connect(2)} and
 * {@code listen(2)}; they do not follow later changes of the peer's identity.
 *
 * @param pid the peer's process id
 * @param uid its effective user id
 * @param gid its effective group id
 */
public record PeerCredentials(int pid, int uid, int gid) {
}
