package course.reactor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;

/**
 * Transfers per second against a running bank: C clients, each logged in as its own user, each
 * sending one TRANSFER of 1 cent to a random other user and waiting for its reply before the
 * next (a closed loop: the figure is what the server answers, not what a client could push).
 * <pre>
 * java -cp step35-bank-server/target/step35-bank-server-1.0.jar course.reactor.BankLoad accounts FILE [USERS]
 * java -cp step35-bank-server/target/step35-bank-server-1.0.jar course.reactor.BankLoad [HOST] PORT
 *      [--clients C] [--users U] [--warmup SECONDS] [--seconds SECONDS]
 * </pre>
 * The first writes an accounts file of U users (u0, u1, ...; password "u0-load", ...) hashed with
 * few iterations, so that C logins do not take the run's first minute; the server warns about
 * them. The second prints one line: transfers/s, the 50th and 99th percentile of the time from
 * sending a transfer to its reply, and the replies that were not OK.
 */
public final class BankLoad {
    private static final int LOAD_ITERATIONS = 1_000;
    private static final long OPENING_CENTS = 1_000_000_000_000L;

    private BankLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("accounts")) {
            writeAccounts(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 1000);
            return;
        }
        List<String> positional = new ArrayList<>();
        int clients = 50;
        int users = 1000;
        double warmup = 2;
        double seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.isEmpty() || positional.size() > 2 || clients > users || users < 2) {
            System.err.println("usage: BankLoad accounts FILE [USERS] | BankLoad [HOST] PORT [--clients C] [--users U]"
                    + " [--warmup SECONDS] [--seconds SECONDS] (C <= U, U >= 2)");
            System.exit(2);
        }
        String host = positional.size() == 2 ? positional.get(0) : "127.0.0.1";
        int port = Integer.parseInt(positional.get(positional.size() - 1));
        System.out.println(run(host, port, clients, users, seconds(warmup), seconds(seconds)));
    }

    private static long seconds(double seconds) {
        return (long) (seconds * 1e9);
    }

    static void writeAccounts(Path file, int users) throws IOException {
        StringBuilder text = new StringBuilder("# BankLoad's users: password u<N>-load, " + LOAD_ITERATIONS + " iterations\n");
        for (int i = 0; i < users; i++) {
            text.append('u').append(i).append(' ').append(PasswordHash.of("u" + i + "-load", LOAD_ITERATIONS))
                    .append(' ').append(OPENING_CENTS).append('\n');
        }
        Files.writeString(file, text);
    }

    /** Runs the clients, and returns the line to print. */
    static String run(String host, int port, int clients, int users, long warmupNanos, long measureNanos)
            throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36); // ids no earlier run has used
        CyclicBarrier loggedIn = new CyclicBarrier(clients + 1);
        List<Client> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Client client = new Client(host, port, c, users, run, loggedIn);
            all.add(client);
            Thread thread = new Thread(client, "load-" + c);
            threads.add(thread);
            thread.start();
        }
        loggedIn.await(); // every client is logged in: the clock starts
        long start = System.nanoTime();
        for (Client client : all) {
            client.window(start + warmupNanos, start + warmupNanos + measureNanos);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long transfers = 0;
        Map<String, Long> errors = new TreeMap<>();
        long[] latencies = new long[0];
        for (Client client : all) {
            if (client.failure != null) {
                throw new IllegalStateException("client " + client.index + " failed", client.failure);
            }
            transfers += client.count;
            client.errors.forEach((code, count) -> errors.merge(code, count, Long::sum));
            int from = latencies.length;
            latencies = Arrays.copyOf(latencies, from + client.count);
            System.arraycopy(client.latencies, 0, latencies, from, client.count);
        }
        Arrays.sort(latencies);
        double perSecond = transfers / (measureNanos / 1e9);
        return String.format("%d clients, %d users: %,d transfers in %.1f s = %,.0f/s; latency p50 %.2f ms, p99 %.2f ms;"
                        + " not OK: %s", clients, users, transfers, measureNanos / 1e9, perSecond,
                percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                errors.isEmpty() ? "none" : errors.toString());
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** One connection: logs in as u{index}, then transfers until the window closes. */
    private static final class Client implements Runnable {
        final int index;
        private final String host;
        private final int port;
        private final int users;
        private final String run;
        private final CyclicBarrier loggedIn;
        private volatile long measureFrom;
        private volatile long measureUntil;
        long[] latencies = new long[1 << 16];
        int count;
        final Map<String, Long> errors = new TreeMap<>();
        Exception failure;

        Client(String host, int port, int index, int users, String run, CyclicBarrier loggedIn) {
            this.host = host;
            this.port = port;
            this.index = index;
            this.users = users;
            this.run = run;
            this.loggedIn = loggedIn;
            this.measureUntil = Long.MAX_VALUE;
        }

        void window(long from, long until) {
            measureFrom = from;
            measureUntil = until;
        }

        @Override
        public void run() {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                String reply = command(out, in, "LOGIN u" + index + " u" + index + "-load");
                if (!reply.startsWith("OK")) {
                    throw new IOException("login as u" + index + ": " + reply);
                }
                loggedIn.await();
                SplittableRandom random = new SplittableRandom(index);
                for (long n = 0; ; n++) {
                    int payee = (index + 1 + random.nextInt(users - 1)) % users;
                    long sent = System.nanoTime();
                    reply = command(out, in, "TRANSFER " + run + "-" + index + "-" + n + " u" + payee + " 1");
                    long answered = System.nanoTime();
                    if (answered >= measureUntil) {
                        return;
                    }
                    if (answered >= measureFrom && sent >= measureFrom) {
                        record(answered - sent, reply);
                    }
                }
            } catch (Exception e) {
                failure = e;
                try {
                    loggedIn.await(); // do not leave the others waiting
                } catch (Exception ignored) {
                    // the barrier is broken or done: nothing more to do
                }
            }
        }

        private void record(long nanos, String reply) {
            if (!reply.startsWith("OK")) {
                int space = reply.indexOf(' ', 4);
                errors.merge(space < 0 ? reply : reply.substring(0, space), 1L, Long::sum);
                return;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        private static String command(DataOutputStream out, DataInputStream in, String command) throws IOException {
            byte[] body = command.getBytes(StandardCharsets.UTF_8);
            out.writeInt(body.length); // the course's framing: a 4-byte big-endian length, then the body
            out.write(body);
            out.flush();
            byte[] reply = new byte[in.readInt()];
            in.readFully(reply);
            return new String(reply, StandardCharsets.UTF_8);
        }
    }
}
