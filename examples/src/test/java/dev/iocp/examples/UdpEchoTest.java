package dev.iocp.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link UdpEchoServer} with {@link UdpEchoClient}, and with a plain {@link DatagramSocket}, on each transport. */
class UdpEchoTest {
    private static UdpEchoServer start(Transport transport) throws InterruptedException {
        Transports.assumeAvailable(transport);
        return UdpEchoServer.start(transport, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpEchoClientGetsEachDatagramBack(Transport transport) throws Exception {
        try (UdpEchoServer server = start(transport)) {
            assertEquals(300, UdpEchoClient.run(transport, server.localAddress(), 300));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void plainDatagramSocketGetsItsDatagramBack(Transport transport) throws Exception {
        try (UdpEchoServer server = start(transport);
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(10_000);
            byte[] message = "hello, udp".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(message, message.length, server.localAddress()));
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            socket.receive(reply);
            assertEquals("hello, udp", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            assertEquals(server.localAddress(), reply.getSocketAddress(), "the reply comes from the server's address");
        }
    }
}
