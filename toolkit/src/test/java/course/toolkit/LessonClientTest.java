package course.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LessonClientTest {
    private ServerSocket listener;
    private Thread echoThread;

    /** A one-connection blocking echo server, enough to exercise the client. */
    @BeforeEach
    void startEchoServer() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            try (Socket socket = listener.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                in.transferTo(out);
            } catch (IOException e) {
                // the listener was closed by the test
            }
        }, "test-echo");
        echoThread.start();
    }

    @AfterEach
    void stopEchoServer() throws Exception {
        listener.close();
        echoThread.join(10_000);
    }

    @Test
    void printsWhatTheServerSendsBackForEachLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = run(new ByteArrayInputStream("hello\nworld\n".getBytes(StandardCharsets.UTF_8)), out,
                String.valueOf(listener.getLocalPort()));

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello\nworld\n");
    }

    @Test
    void sendsAFileAndChecksTheEcho(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("payload.bin");
        Files.write(file, Payloads.random(300_000, 7));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = run(new ByteArrayInputStream(new byte[0]), out,
                "127.0.0.1", String.valueOf(listener.getLocalPort()), "--file", file.toString());

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("sent 300000 bytes, received 300000 bytes, identical");
    }

    @Test
    void framedModeSendsEachLineAsOneMessageAndPrintsEachReply() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The test server echoes raw bytes, so each framed line comes back framed.
        int code = run(new ByteArrayInputStream("hello\nworld\n".getBytes(StandardCharsets.UTF_8)), out,
                String.valueOf(listener.getLocalPort()), "--framed");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello\nworld\n");
    }

    @Test
    void textModeSendsEachCommandFramedAndPrintsItsReplySkippingBlankLinesAndComments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = run(new ByteArrayInputStream("BALANCE\n\n# a comment\n  HEARTBEAT  \n".getBytes(StandardCharsets.UTF_8)),
                out, String.valueOf(listener.getLocalPort()), "--text");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("BALANCE\nHEARTBEAT\n");
    }

    @Test
    void textModeStopsWhenTheServerClosesAfterAReply() throws Exception {
        // A server that answers one command and hangs up, as the bank does after LOGOUT.
        try (ServerSocket byeServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread bye = new Thread(() -> {
                try (Socket socket = byeServer.accept()) {
                    socket.getInputStream().readNBytes(Frames.length(socket.getInputStream().readNBytes(4)));
                    socket.getOutputStream().write(Frames.encode("OK bye".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    // the test fails on what the client printed
                }
            }, "test-bye");
            bye.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            int code = run(new ByteArrayInputStream("LOGOUT\nBALANCE\n".getBytes(StandardCharsets.UTF_8)), out,
                    String.valueOf(byeServer.getLocalPort()), "--text");

            bye.join(10_000);
            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("OK bye\n[the server closed the connection]\n");
        }
    }

    @Test
    void rejectsABadPortWithExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LessonClient.run(new String[] {"70000"}, InputStream.nullInputStream(),
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: bad port 70000");
    }

    private static int run(InputStream stdin, ByteArrayOutputStream out, String... args) {
        return LessonClient.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream()));
    }
}
