package dev.iocp.examples;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * An HTTP/1.1 server for the files of one folder, sent with zero-copy file regions. GET and HEAD
 * only; no directory listings; nothing outside the folder (see {@link ServedFolder}).
 *
 * <p>Usage: {@code HttpStaticFileServer [--transport iocp|nio] [--host ADDRESS] [--port N]
 * [--dir FOLDER]} (port 8080 and the current directory by default).
 */
public final class HttpStaticFileServer {
    static final String DIR = "--dir";
    private static final String USAGE = "HttpStaticFileServer " + ServerSettings.USAGE + " [--dir FOLDER]";

    private HttpStaticFileServer() {
    }

    /**
     * Starts serving {@code folder} on {@code address} (port 0: a free one); close it to stop it.
     *
     * @throws IOException when {@code folder} is not a directory
     */
    public static RunningServer start(Transport transport, InetSocketAddress address, Path folder)
            throws IOException, InterruptedException {
        StaticFileHandler files = new StaticFileHandler(new ServedFolder(folder));
        return RunningServer.start(transport, address, 0, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpServerSetup.addHttpHandlers(ch.pipeline());
                ch.pipeline().addLast("static-files", files);
            }
        });
    }

    private record Settings(ServerSettings server, ServedFolder folder) {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = CommandLine.parseOrExit(USAGE, args,
                List.of(CommandLine.TRANSPORT, CommandLine.HOST, CommandLine.PORT, DIR),
                commandLine -> new Settings(ServerSettings.from(commandLine, HttpHelloWorldServer.DEFAULT_PORT),
                        folder(commandLine.value(DIR, "."))));
        Path root = settings.folder().root();
        try (RunningServer server = start(settings.server().transport(), settings.server().address(), root)) {
            System.out.println("HTTP file server (" + server.transport().description() + ") serving " + root
                    + " at http://" + server.localAddress().getHostString() + ":" + server.port()
                    + "/ ; Ctrl-C stops it");
            server.awaitShutdown();
        }
    }

    /** Checks {@code --dir} while arguments are parsed, so a bad folder is a usage error. */
    private static ServedFolder folder(String path) {
        try {
            return new ServedFolder(Path.of(path));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(DIR + " must name an existing directory; '" + path + "' does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(DIR + " must name an existing directory; '" + path + "': " + e.getMessage());
        }
    }
}
