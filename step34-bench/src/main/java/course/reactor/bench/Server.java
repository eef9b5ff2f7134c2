package course.reactor.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start one server under test: {@code launcher} (the taskset prefix and, for a Java
 * server, the java binary and its flags) followed by {@code program} (what it runs, with HOST and
 * PORT). {@code lesson} is the lesson whose server this is, 0 for a peer; {@code javaHome} is null
 * for a server that is not a JVM; {@code cores} is how many CPUs it is pinned to.
 */
record Server(String name, int lesson, String what, List<String> launcher, List<String> program, Path javaHome,
              int cores) {
    Server {
        launcher = List.copyOf(launcher);
        program = List.copyOf(program);
    }

    List<String> command() {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(program);
        return command;
    }

    boolean jvm() {
        return javaHome != null;
    }

    /** Lessons' servers and the final one make the per-lesson curve; the peers do not. */
    boolean onLessonCurve() {
        return lesson > 0 && !name.equals(ServerCatalog.FINAL_DEFAULT);
    }
}
