package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Only SIGTERM and SIGINT take the graceful path: any other exit keeps its own status. */
class SignalShutdownIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @Test
    void anExitFromAnotherThreadKeepsItsStatusAndSkipsTheGracefulClose() throws Exception {
        String testClasses = Path.of(ExitProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", JAR + File.pathSeparator + testClasses, ExitProbe.class.getName())
                .redirectErrorStream(true).start();
        try {
            assertThat(probe.waitFor(15, TimeUnit.SECONDS)).as("the probe exited").isTrue();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.exitValue()).as("exit status; output: %s", output).isEqualTo(3);
            assertThat(output).doesNotContain("graceful close");
        } finally {
            probe.destroyForcibly();
        }
    }
}
