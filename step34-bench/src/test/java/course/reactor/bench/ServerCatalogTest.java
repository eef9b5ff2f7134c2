package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a JDK for the virtual-thread peer, and saying so in one line when there is none. */
class ServerCatalogTest {
    @TempDir
    Path jvms;

    @Test
    void aJdksVersionComesFromItsReleaseFile() throws Exception {
        assertThat(ServerCatalog.featureVersion(jdk("temurin-25", "25.0.3"))).isEqualTo(25);
        assertThat(ServerCatalog.featureVersion(jdk("java-8", "1.8.0_392"))).isEqualTo(8);
        assertThat(ServerCatalog.featureVersion(jvms.resolve("nothing"))).isEqualTo(-1);
    }

    @Test
    void theNewestJdkOfAtLeast21IsFound() throws Exception {
        jdk("java-17-openjdk", "17.0.15");
        Path jdk21 = jdk("zulu-21", "21.0.5");
        assertThat(ServerCatalog.newestJdk(jvms, 21)).isEqualTo(jdk21);
        Path jdk25 = jdk("temurin-25-jdk", "25.0.3"); // listed before zulu-21: the version decides, not the order
        assertThat(ServerCatalog.newestJdk(jvms, 21)).isEqualTo(jdk25);
        assertThat(ServerCatalog.newestJdk(jvms, 26)).isNull();
    }

    @Test
    void aNamedJdkTooOldLeavesThePeerOutWithOneLine() throws Exception {
        Path old = jdk("java-17-openjdk", "17.0.15");
        List<String> said = new ArrayList<>();
        BenchOptions options = BenchOptions.parse(new String[] {"--jdk21", old.toString()});

        assertThat(ServerCatalog.jdk21(options, said::add)).isNull();
        assertThat(said).containsExactly("vthreads left out: --jdk21 " + old + " is not a JDK 21 or newer (it is 17)");
    }

    @Test
    void jvmInfoReadsTheCollectorAndProcessorsFromTheStartUpLog() {
        JvmInfo info = JvmInfo.parse("""
                [0.004s][info][gc     ] Using Serial
                [0.008s][info][gc,init] Version: 25.0.3+9-LTS (release)
                [0.008s][info][gc,init] CPUs: 2 total, 1 available
                openjdk version "25.0.3" 2026-04-21 LTS""");
        assertThat(info).isEqualTo(new JvmInfo("25.0.3+9-LTS", "Serial", 1, 2));
    }

    private Path jdk(String name, String version) throws Exception {
        Path home = Files.createDirectories(jvms.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        java.toFile().setExecutable(true);
        return home;
    }
}
