package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslSessionReuseTest;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collection;
import java.util.List;

/**
 * Netty's {@link SocketSslSessionReuseTest} on {@link IocpSocketTestPermutation#socket()}. Its
 * trust-manager resumption test also runs with OpenSSL engines, which Netty always has on its
 * class path; here netty-tcnative is not a dependency, so that case runs only where OpenSSL is
 * available instead of failing with NoClassDefFoundError.
 */
@IocpTestsuite
public class IocpSocketSslSessionReuseTest extends SocketSslSessionReuseTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }

    public static Collection<Object[]> jdkAndOpenSslWhereAvailable() throws Exception {
        return OpenSsl.isAvailable() ? jdkAndOpenSSL() : jdkOnly();
    }

    @ParameterizedTest(name = "{index}: serverEngine = {0}, clientEngine = {1}")
    @MethodSource("jdkAndOpenSslWhereAvailable")
    @Timeout(30)
    @Override
    public void testSslSessionTrustManagerResumption(SslContextBuilder serverCtx, SslContextBuilder clientCtx,
                                                      TestInfo testInfo) throws Throwable {
        super.testSslSessionTrustManagerResumption(serverCtx, clientCtx, testInfo);
    }
}
