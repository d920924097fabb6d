package dev.iocp.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every socket option of both channel types, on the backend in use: set, read back, listed by
 * {@code getOptions()}; reported as Netty reports an unknown option ({@code setOption} false,
 * {@code getOption} null, not listed) where the backend cannot set it; and bad values refused
 * with the exceptions Netty's configs throw. Which options the nio backend takes is written
 * out here, not asked of the backend, so a backend that stops taking one fails.
 */
class IocpChannelOptionsTest {
    private static final boolean EVERYWHERE = true;
    private static final boolean IO_URING_ONLY = false;
    /** Linux doubles a buffer size for its bookkeeping (socket(7)); nio reports what was set until the socket exists. */
    private static final BiPredicate<Object, Object> AT_LEAST = (set, read) -> (Integer) read >= (Integer) set;

    private static boolean nio;

    /** An option, whether the nio backend takes it, and values to set in turn, each of which must read back. */
    private record Case(ChannelOption<Object> option, boolean onNio, List<Object> values, BiPredicate<Object, Object> readsBack) {
        @SafeVarargs
        @SuppressWarnings("unchecked")
        static <T> Case of(ChannelOption<T> option, boolean onNio, T... values) {
            return new Case((ChannelOption<Object>) option, onNio, List.of(values), Object::equals);
        }

        static Case bufferSize(ChannelOption<Integer> option) {
            return new Case(cast(option), EVERYWHERE, List.of(32 * 1024, 64 * 1024), AT_LEAST);
        }

        boolean supported() {
            return onNio || !nio;
        }

        @Override
        public String toString() {
            return option.name();
        }
    }

    private static final List<Case> SOCKET = List.of(
            Case.bufferSize(ChannelOption.SO_RCVBUF),
            Case.bufferSize(ChannelOption.SO_SNDBUF),
            Case.of(ChannelOption.TCP_NODELAY, EVERYWHERE, false, true),
            Case.of(ChannelOption.SO_KEEPALIVE, EVERYWHERE, true, false),
            Case.of(ChannelOption.SO_REUSEADDR, EVERYWHERE, true, false),
            Case.of(ChannelOption.SO_LINGER, EVERYWHERE, 5, 0, -1),
            Case.of(ChannelOption.IP_TOS, EVERYWHERE, 0x10, 0),
            Case.of(IocpChannelOption.SO_REUSEPORT, EVERYWHERE, true, false),
            Case.of(IocpChannelOption.TCP_KEEPIDLE, EVERYWHERE, 42, 60),
            Case.of(IocpChannelOption.TCP_KEEPINTVL, EVERYWHERE, 7, 75),
            Case.of(IocpChannelOption.TCP_KEEPCNT, EVERYWHERE, 4, 9),
            Case.of(IocpChannelOption.TCP_QUICKACK, EVERYWHERE, false, true),
            Case.of(IocpChannelOption.TCP_USER_TIMEOUT, IO_URING_ONLY, 1234, 0),
            Case.of(IocpChannelOption.TCP_FASTOPEN_CONNECT, IO_URING_ONLY, true, false),
            Case.of(IocpChannelOption.TCP_CORK, IO_URING_ONLY, true, false),
            Case.of(IocpChannelOption.TCP_NOTSENT_LOWAT, IO_URING_ONLY, 16_384L, 4_294_967_295L),
            Case.of(IocpChannelOption.IP_FREEBIND, IO_URING_ONLY, true, false),
            // Turning these two on needs a capability: privilegedOptionsTurnOnWithTheCapabilityAndFailWithEpermWithout
            Case.of(IocpChannelOption.IP_TRANSPARENT, IO_URING_ONLY, false),
            Case.of(IocpChannelOption.SO_BUSY_POLL, IO_URING_ONLY, 0),
            Case.of(IocpChannelOption.IP_BIND_ADDRESS_NO_PORT, IO_URING_ONLY, true, false));

    private static final List<Case> SERVER = List.of(
            Case.bufferSize(ChannelOption.SO_RCVBUF),
            Case.of(ChannelOption.SO_REUSEADDR, EVERYWHERE, false, true),
            Case.of(ChannelOption.SO_BACKLOG, EVERYWHERE, 77, 0),
            Case.of(IocpChannelOption.SO_REUSEPORT, EVERYWHERE, true, false),
            Case.of(IocpChannelOption.TCP_FASTOPEN, IO_URING_ONLY, 16, 0),
            // The kernel keeps it as SYN-ACK retransmissions: 3 s is two, and reads back as 3.
            Case.of(IocpChannelOption.TCP_DEFER_ACCEPT, IO_URING_ONLY, 3, 0),
            Case.of(IocpChannelOption.IP_FREEBIND, IO_URING_ONLY, true, false),
            Case.of(IocpChannelOption.IP_TRANSPARENT, IO_URING_ONLY, false));

    @BeforeEach
    void backend() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        nio = Iocp.backendName().equals("nio");
    }

    @SuppressWarnings("unchecked")
    private static <T> ChannelOption<Object> cast(ChannelOption<T> option) {
        return (ChannelOption<Object>) option;
    }

    private static void withSocket(Consumer<IocpSocketChannel> test) {
        IocpSocketChannel channel = new IocpSocketChannel();
        try {
            test.accept(channel);
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    private static void withServer(Consumer<IocpServerSocketChannel> test) {
        IocpServerSocketChannel channel = new IocpServerSocketChannel();
        try {
            test.accept(channel);
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    @Test
    void everySocketChannelOptionRoundTripsWhereTheBackendTakesItAndIsReportedUnknownWhereNot() {
        withSocket(channel -> roundTrip(channel, SOCKET));
    }

    @Test
    void everyServerChannelOptionRoundTripsWhereTheBackendTakesItAndIsReportedUnknownWhereNot() {
        withServer(channel -> roundTrip(channel, SERVER));
    }

    private static void roundTrip(Channel channel, List<Case> cases) {
        ChannelConfig config = channel.config();
        for (Case c : cases) {
            for (Object value : c.values()) {
                if (c.supported()) {
                    assertTrue(config.setOption(c.option(), value), () -> c + "=" + value + " was not taken");
                    Object read = config.getOption(c.option());
                    assertTrue(c.readsBack().test(value, read), () -> c + "=" + value + " read back as " + read);
                    Object listed = config.getOptions().get(c.option());
                    assertTrue(c.readsBack().test(value, listed), () -> c + "=" + value + " listed as " + listed);
                } else {
                    assertFalse(config.setOption(c.option(), value), () -> c + " was taken on nio");
                    assertNull(config.getOption(c.option()), () -> c + " was read on nio");
                    assertFalse(config.getOptions().containsKey(c.option()), () -> c + " was listed on nio");
                }
            }
        }
        // Every socket option the config lists is one of the cases: none goes untested.
        Set<ChannelOption<?>> listed = config.getOptions().keySet().stream()
                .filter(SocketOptionAccess.SOCKET_OPTIONS::containsKey).collect(Collectors.toSet());
        Set<ChannelOption<?>> expected = cases.stream().filter(Case::supported).map(Case::option)
                .filter(SocketOptionAccess.SOCKET_OPTIONS::containsKey).collect(Collectors.toCollection(HashSet::new));
        assertEquals(expected, listed);
    }

    @Test
    void nullIsRefusedForEveryOptionAsNettyRefusesIt() {
        withSocket(channel -> {
            for (Case c : SOCKET) {
                assertThrows(NullPointerException.class, () -> channel.config().setOption(c.option(), null), c::toString);
            }
        });
        withServer(channel -> {
            for (Case c : SERVER) {
                assertThrows(NullPointerException.class, () -> channel.config().setOption(c.option(), null), c::toString);
            }
        });
    }

    @Test
    void negativeAndOutOfRangeValuesAreIllegalArgumentsAndChangeNothing() {
        withSocket(channel -> {
            IocpSocketChannelConfig config = channel.config();
            config.setOption(ChannelOption.SO_RCVBUF, 65_536);
            int before = config.getReceiveBufferSize();
            assertIllegal("SO_RCVBUF must not be negative: -1", () -> config.setOption(ChannelOption.SO_RCVBUF, -1));
            assertEquals(before, config.getReceiveBufferSize(), "a refused value changes nothing");
            assertIllegal("SO_SNDBUF must not be negative: -1", () -> config.setOption(ChannelOption.SO_SNDBUF, -1));
            assertIllegal("TCP_KEEPIDLE must not be negative: -5", () -> config.setOption(IocpChannelOption.TCP_KEEPIDLE, -5));
            assertIllegal("IP_TOS must not be negative: -1", () -> config.setOption(ChannelOption.IP_TOS, -1));
            assertIllegal("IP_TOS is one byte: 256", () -> config.setOption(ChannelOption.IP_TOS, 256));
            if (nio) {
                // Not taken at all on nio, so not judged either: reported as unknown.
                assertFalse(config.setOption(IocpChannelOption.TCP_NOTSENT_LOWAT, -1L));
                assertFalse(config.setOption(IocpChannelOption.SO_BUSY_POLL, -1));
                return;
            }
            assertTrue(config.setOption(IocpChannelOption.TCP_NOTSENT_LOWAT, 16_384L));
            assertIllegal("TCP_NOTSENT_LOWAT must be from 0 to 4294967295: -1",
                    () -> config.setOption(IocpChannelOption.TCP_NOTSENT_LOWAT, -1L));
            assertIllegal("TCP_NOTSENT_LOWAT must be from 0 to 4294967295: 4294967296",
                    () -> config.setOption(IocpChannelOption.TCP_NOTSENT_LOWAT, 1L << 32));
            assertEquals(16_384L, config.getOption(IocpChannelOption.TCP_NOTSENT_LOWAT), "a refused value changes nothing");
            assertIllegal("TCP_USER_TIMEOUT must not be negative: -1",
                    () -> config.setOption(IocpChannelOption.TCP_USER_TIMEOUT, -1));
            assertIllegal("SO_BUSY_POLL must not be negative: -1", () -> config.setOption(IocpChannelOption.SO_BUSY_POLL, -1));
        });
        withServer(channel -> {
            IocpServerSocketChannelConfig config = channel.config();
            assertIllegal("backlog must not be negative: -1", () -> config.setOption(ChannelOption.SO_BACKLOG, -1));
            assertIllegal("SO_RCVBUF must not be negative: -1", () -> config.setOption(ChannelOption.SO_RCVBUF, -1));
            if (nio) {
                assertFalse(config.setOption(IocpChannelOption.TCP_DEFER_ACCEPT, -1));
            } else {
                assertIllegal("TCP_DEFER_ACCEPT must not be negative: -1",
                        () -> config.setOption(IocpChannelOption.TCP_DEFER_ACCEPT, -1));
                assertIllegal("TCP_FASTOPEN must not be negative: -1",
                        () -> config.setOption(IocpChannelOption.TCP_FASTOPEN, -1));
            }
        });
    }

    private static void assertIllegal(String message, Executable set) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, set).getMessage());
    }

    /**
     * io_uring hands a value it has no reason to judge to the kernel, and a refusal comes back as
     * a {@link ChannelException} naming the call and the errno. (The nio backend keeps the options
     * of a socket it has not made yet, so the kernel sees them, and refuses them, at connect.)
     */
    @Test
    void aValueTheKernelRefusesIsAChannelExceptionNamingTheErrno() {
        Assumptions.assumeFalse(nio, "nio applies an unconnected socket's options when it makes the socket");
        withSocket(channel -> {
            ChannelException e = assertThrows(ChannelException.class,
                    () -> channel.config().setOption(IocpChannelOption.TCP_KEEPIDLE, 0));
            assertEquals("setsockopt(TCP_KEEPIDLE=0): EINVAL (Invalid argument)", e.getCause().getMessage());
            assertTrue(channel.config().setOption(IocpChannelOption.TCP_KEEPIDLE, 42), "the socket still takes good values");
            assertEquals(42, channel.config().getOption(IocpChannelOption.TCP_KEEPIDLE));
        });
    }

    /**
     * IP_TRANSPARENT and a raised SO_BUSY_POLL need CAP_NET_ADMIN (IP_TRANSPARENT also takes
     * CAP_NET_RAW): with it they round-trip, without it they fail with EPERM. Turning them off
     * needs nothing (the table above).
     */
    @Test
    void privilegedOptionsTurnOnWithTheCapabilityAndFailWithEpermWithout() throws IOException {
        Assumptions.assumeFalse(nio, "the nio backend takes neither option");
        boolean netAdmin = hasCapability(12);
        boolean netRaw = hasCapability(13);
        withSocket(channel -> {
            expectPrivileged(channel.config(), IocpChannelOption.IP_TRANSPARENT, true, netAdmin || netRaw);
            if (Files.exists(Path.of("/proc/sys/net/core/busy_read"))) { // a kernel with CONFIG_NET_RX_BUSY_POLL
                expectPrivileged(channel.config(), IocpChannelOption.SO_BUSY_POLL, 50, netAdmin);
            }
        });
        withServer(channel -> expectPrivileged(channel.config(), IocpChannelOption.IP_TRANSPARENT, true, netAdmin || netRaw));
    }

    private static <T> void expectPrivileged(ChannelConfig config, ChannelOption<T> option, T value, boolean capable) {
        if (capable) {
            assertTrue(config.setOption(option, value));
            assertEquals(value, config.getOption(option));
        } else {
            ChannelException e = assertThrows(ChannelException.class, () -> config.setOption(option, value));
            assertTrue(e.getCause().getMessage().contains("EPERM"), e::toString);
        }
    }

    /** Whether this process holds a capability ({@code CapEff} of /proc/self/status; linux/capability.h numbers). */
    private static boolean hasCapability(int capability) throws IOException {
        String effective = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
        return (Long.parseUnsignedLong(effective, 16) & (1L << capability)) != 0;
    }
}
