package dev.iocp.integrations;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A gRPC service defined in plain Java, without protobuf: its messages are raw bytes, marshalled
 * as they are. The methods' behaviour lives in {@link GrpcOverIocpTest}.
 */
final class BytesService {
    static final String NAME = "iocp.integrations.Bytes";

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Answers with the request. */
    static final MethodDescriptor<byte[], byte[]> ECHO = method(MethodType.UNARY, "Echo");
    /** Never answers; the client's deadline ends it. */
    static final MethodDescriptor<byte[], byte[]> HANG = method(MethodType.UNARY, "Hang");
    /** Answers a count (an int) with that many numbered messages. */
    static final MethodDescriptor<byte[], byte[]> COUNT = method(MethodType.SERVER_STREAMING, "Count");
    /** Streams numbered messages as fast as the client takes them; the client acknowledges batches. */
    static final MethodDescriptor<byte[], byte[]> PRODUCE = method(MethodType.BIDI_STREAMING, "Produce");

    private BytesService() {
    }

    private static MethodDescriptor<byte[], byte[]> method(MethodType type, String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /** A message of {@code size} bytes (at least 4) that carries {@code number} in its first four. */
    static byte[] numbered(int number, int size) {
        byte[] message = new byte[size];
        ByteBuffer.wrap(message).putInt(number);
        for (int i = 4; i < size; i++) {
            message[i] = (byte) (number + i);
        }
        return message;
    }

    /** The number {@link #numbered} put in {@code message}. */
    static int numberOf(byte[] message) {
        return ByteBuffer.wrap(message).getInt();
    }
}
