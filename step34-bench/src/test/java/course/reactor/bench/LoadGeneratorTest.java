package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generator counts what comes back right, and catches what does not. */
class LoadGeneratorTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void countsEveryRepliedFrameAndNoErrorsAgainstAnHonestEcho() throws Exception {
        int port = echoServer(bytes -> { });
        LoadGenerator.Result result = LoadGenerator.run(config(port, 20, 4, 100));

        assertThat(result.errors()).isZero();
        assertThat(result.connectionsHeld()).isEqualTo(20);
        assertThat(result.messages()).isPositive();
        assertThat(result.p50Micros()).isPositive().isLessThanOrEqualTo(result.p99Micros());
        assertThat(result.line()).matches("RESULT msgs_per_s=\\d+ mb_per_s=[\\d.]+ p50_us=[\\d.]+ p99_us=[\\d.]+"
                + " p999_us=[\\d.]+ errors=0 connections=20");
    }

    @Test
    void aWrongByteIsAnErrorAndCostsThatConnection() throws Exception {
        int port = echoServer(bytes -> bytes[bytes.length - 1] ^= 1); // the last byte of every chunk, flipped
        LoadGenerator.Result result = LoadGenerator.run(config(port, 3, 1, 64));

        assertThat(result.errors()).isEqualTo(3);
        assertThat(result.connectionsHeld()).isZero();
    }

    @Test
    void aConnectionTheServerClosesIsAnError() throws Exception {
        ServerSocket closer = new ServerSocket(0);
        toClose.add(closer);
        Thread thread = new Thread(() -> {
            while (!closer.isClosed()) {
                try (Socket socket = closer.accept()) {
                    socket.getInputStream().read(); // take the first byte, then hang up
                } catch (IOException e) {
                    return;
                }
            }
        }, "closing-server");
        thread.setDaemon(true);
        thread.start();

        LoadGenerator.Result result = LoadGenerator.run(config(closer.getLocalPort(), 2, 1, 64));

        assertThat(result.errors()).isEqualTo(2);
        assertThat(result.messages()).isZero();
    }

    @Test
    void framesDifferPerConnectionSoACrossedReplyIsCaught() {
        assertThat(LoadGenerator.frame(64, 1)).isNotEqualTo(LoadGenerator.frame(64, 2));
        assertThat(LoadGenerator.frame(64, 1)).hasSize(68).startsWith(0, 0, 0, 64);
    }

    private static LoadGenerator.Config config(int port, int connections, int depth, int payload) {
        return new LoadGenerator.Config("127.0.0.1", port, connections, depth, payload,
                Duration.ofMillis(100), Duration.ofMillis(300), Duration.ZERO);
    }

    /** A thread-per-connection echo server that may tamper with each chunk before sending it back. */
    private int echoServer(Tamper tamper) throws IOException {
        ServerSocket listener = new ServerSocket(0);
        toClose.add(listener);
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    toClose.add(socket);
                    Thread echo = new Thread(() -> echo(socket, tamper), "echo");
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener.getLocalPort();
    }

    private static void echo(Socket socket, Tamper tamper) {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                byte[] chunk = Arrays.copyOf(buffer, n);
                tamper.apply(chunk);
                out.write(chunk);
            }
        } catch (IOException e) {
            // the generator hung up
        }
    }

    private interface Tamper {
        void apply(byte[] bytes);
    }
}
