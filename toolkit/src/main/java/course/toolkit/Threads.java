package course.toolkit;

import java.util.List;

/** What tests ask about the JVM's threads: which are still alive. */
public final class Threads {
    private Threads() {
    }

    /** The live threads whose name starts with {@code prefix}, e.g. "io-" or "worker-". */
    public static List<Thread> liveNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive())
                .toList();
    }
}
