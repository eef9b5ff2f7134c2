package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import course.toolkit.Threads;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The TcpServer in this JVM: what it owns, and that closing it closes all of that. */
class TcpServerTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void keepsEveryConnectionAndClosesThemAllWhenItStops() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 2);
        server.setMessageCallback(Connection::send);
        int port = server.address().port();
        List<TestClient> clients = new ArrayList<>();
        try {
            LoopThread running = new LoopThread(server);
            try (running) {
                for (int i = 0; i < 5; i++) {
                    TestClient client = TestClient.connect("127.0.0.1", port);
                    clients.add(client);
                    byte[] hello = ("hello " + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(client.echoFrame(hello)).isEqualTo(hello);
                }
                Await.until("5 connections in the map", () -> server.connectionCount() == 5);
            }
            assertThat(running.isRunning()).isFalse();
            for (TestClient client : clients) {
                assertThat(client.awaitEof()).as("the server closed this connection").isTrue();
            }
            assertThat(server.connectionCount()).isZero();
        } finally {
            for (TestClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void handsEveryMessageToTheCallbackItsUserSet() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 2);
        List<String> received = new CopyOnWriteArrayList<>();
        server.setMessageCallback((connection, message) -> received.add(new String(message.toByteArray(), StandardCharsets.UTF_8)));
        try (LoopThread running = new LoopThread(server);
             TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
            client.sendFrame("one".getBytes(StandardCharsets.UTF_8));
            client.sendFrame("two".getBytes(StandardCharsets.UTF_8));
            Await.until("two messages", () -> received.size() == 2);
        }
        assertThat(received).containsExactly("one", "two");
    }

    @Test
    void forgetsAConnectionAsSoonAsItEnds() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 2);
        int port = server.address().port();
        try (LoopThread running = new LoopThread(server)) {
            List<TestClient> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clients.add(TestClient.connect("127.0.0.1", port));
            }
            Await.until("10 connections in the map", () -> server.connectionCount() == 10);

            for (int i = 0; i < 10; i++) {
                if (i % 2 == 0) {
                    clients.get(i).close(); // in order (FIN)
                } else {
                    clients.get(i).reset(); // abruptly (RST)
                }
                int left = 9 - i;
                Await.until(left + " connections left", () -> server.connectionCount() == left);
            }
        }
    }

    @Test
    void handsConnectionsToEveryIoLoopInTurnAndEndsTheirThreadsWhenItStops() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 4);
        Map<Long, String> servedBy = new ConcurrentHashMap<>();
        server.setMessageCallback((connection, message) -> {
            servedBy.put(connection.id(), Thread.currentThread().getName());
            connection.send(message);
        });
        try (LoopThread running = new LoopThread(server)) {
            for (int i = 0; i < 8; i++) {
                try (TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
                    byte[] hello = ("hello " + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(client.echoFrame(hello)).isEqualTo(hello);
                }
            }
            assertThat(Threads.liveNamed("io-")).hasSize(4);
        }
        // Round-robin: eight connections, two on each of the four IO threads.
        assertThat(servedBy.values().stream().collect(Collectors.groupingBy(name -> name, Collectors.counting())))
                .containsOnlyKeys("io-1", "io-2", "io-3", "io-4")
                .allSatisfy((thread, count) -> assertThat(count).isEqualTo(2L));
        assertThat(Threads.liveNamed("io-")).as("every IO thread ended").isEmpty();
    }

    @Test
    void servesTwoHundredConcurrentClientsOverItsIoLoops() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 3);
        server.setMessageCallback(Connection::send);
        ExecutorService clients = Executors.newFixedThreadPool(200);
        try (LoopThread running = new LoopThread(server)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < 200; c++) {
                int seed = c;
                results.add(clients.submit(() -> {
                    try (TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
                        for (int i = 0; i < 20; i++) {
                            byte[] message = Payloads.random(1 + i * 50, seed * 100L + i);
                            if (!Arrays.equals(client.echoFrame(message), message)) {
                                return false;
                            }
                        }
                        return true;
                    }
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void stopsListeningWhenItStops() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 2);
        int port = server.address().port();
        new LoopThread(server).close();

        // The port is free again: a new server can listen on it.
        TcpServer again = new TcpServer(new InetAddress("127.0.0.1", port), 1 << 20, 2);
        try (LoopThread running = new LoopThread(again)) {
            assertThat(again.address().port()).isEqualTo(port);
        }
    }
}
