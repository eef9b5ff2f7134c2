package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that pipeline commands as fast as they can and never read their replies cost the bank a
 * bounded amount each: with a small heap it neither dies nor stops serving a normal client.
 */
class HostileClientsIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));
    private static final int HOSTILE = 10;
    /** 64 commands of 1,000 bytes (the longest the bank takes), each with a reply of its own. */
    private static final byte[] BURST = burst();

    @Test
    void tenClientsThatNeverReadCannotExhaustA128MebibyteHeapOrStarveANormalClient(@TempDir Path dir) throws Exception {
        String accounts = TestBank.accountsFile(dir, "alice", "bob").toString();
        List<Socket> hostile = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startJar(JAR, List.of("-Xmx128m"), "--accounts", accounts)) {
            for (int i = 0; i < HOSTILE; i++) {
                Socket client = new Socket();
                client.setReceiveBufferSize(4096); // a small window: the replies pile up in the server soon
                client.connect(new InetSocketAddress(server.host(), server.port()));
                hostile.add(client);
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = client.getOutputStream();
                        for (int burst = 0; burst < 100_000; burst++) { // 6.4 GB each, if the bank took it
                            out.write(BURST);
                        }
                    } catch (IOException e) {
                        // closed by the test at the end, while blocked in a write
                    }
                }, "hostile-" + i);
                writer.start();
                writers.add(writer);
            }
            Await.until("every hostile client paused", () -> pauseLines(server) == HOSTILE);

            try (BankClient normal = BankClient.connect(server.connect()).loginAs("alice")) {
                for (int i = 0; i < 20; i++) {
                    assertThat(normal.command("BALANCE")).as("a normal client is still served").isEqualTo("OK 100000");
                }
            }
            assertThat(server.isAlive()).isTrue();
            assertThat(server.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("closing");
            assertThat(pauseLines(server)).as("one line per paused client, not one per command").isEqualTo(HOSTILE);
            closeAll(hostile, writers); // before the server stops: their unread replies would hold its shutdown up
        } finally {
            closeAll(hostile, writers);
        }
    }

    private static byte[] burst() {
        byte[] command = new byte[1000];
        Arrays.fill(command, (byte) 'x'); // no such command: each gets "ERR UNKNOWN ..." back
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 64; i++) {
            frames.writeBytes(Frames.encode(command));
        }
        return frames.toByteArray();
    }

    private static void closeAll(List<Socket> clients, List<Thread> writers) throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
    }

    private static long pauseLines(ServerProcess server) {
        return server.stderr().lines().filter(line -> line.startsWith("pausing 127.0.0.1:")).count();
    }
}
