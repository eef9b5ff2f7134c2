package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line: defaults that fit the budgets, lists and ranges, and clear refusals. */
class BenchOptionsTest {
    @Test
    void quickIsSmallAndTheFullRunHasEveryScenarioAndPeer() {
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick"});
        assertThat(quick.steps()).containsExactly(1, 18, 34);
        assertThat(quick.rounds()).isEqualTo(1);
        assertThat(quick.scenarios()).doesNotContain("c10k", "conns", "size").contains("load", "pp");
        assertThat(quick.loadLevels()).containsExactly(25, 50, 90);

        BenchOptions full = BenchOptions.parse(new String[0]);
        assertThat(full.steps()).containsExactly(1, 10, 18, 22, 25, 30, 34);
        assertThat(full.scenarios()).containsExactlyElementsOf(Scenario.NAMES);
        assertThat(full.peers()).containsExactlyElementsOf(BenchOptions.PEERS);
        assertThat(full.loadLevels()).containsExactly(10, 25, 50, 75, 90);
        assertThat(full.connectionCounts()).containsExactly(1, 10, 100, 1_000, 10_000);
        assertThat(full.payloadSizes()).containsExactly(16, 256, 4_096, 65_536, 1_048_576);
        assertThat(BenchRunner.idleWithC10k(full)).isTrue();
    }

    /** The budgets by arithmetic, from the windows and the costs measured around them: 13 servers full, 7 quick. */
    @Test
    void theDefaultsFitTheirBudgets() {
        BenchOptions full = BenchOptions.parse(new String[0]);
        assertThat(BenchRunner.plannedSeconds(full, 13, 1)).isLessThan(37 * 60); // of 40 minutes, building included
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick"});
        assertThat(BenchRunner.plannedSeconds(quick, 7, 0)).isLessThan(150); // of 3 minutes
        assertThat(BenchRunner.plannedRuns(full, 13, 1)).isEqualTo(13 * (3 * 6 + 5 + 5 + 5) + 1);
    }

    @Test
    void ioThreadsDefaultToEveryCoreTheGeneratorLeaves() {
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, Proc.machineCpus() - 1); i++) {
            expected.add(i);
        }
        assertThat(BenchOptions.parse(new String[0]).ioThreads()).isEqualTo(expected);
        assertThat(BenchOptions.parse(new String[] {"--io-threads", "1-3,8"}).ioThreads()).containsExactly(1, 2, 3, 8);
    }

    @Test
    void generatorThreadsMustLeaveTheServerACore() {
        assumeTrue(Proc.pinning(), "nothing is pinned on this machine");
        int cpus = Proc.machineCpus();
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--gen-threads", String.valueOf(cpus)}))
                .hasMessage("--gen-threads " + cpus + " leaves no CPU for the server on this " + cpus + "-CPU machine");
        assertThat(BenchOptions.parse(new String[] {"--gen-threads", String.valueOf(cpus - 1)}).firstServerCpu())
                .isEqualTo(cpus - 1);
    }

    @Test
    void theLoadSweepBringsThePpItIsMeasuredAgainst() {
        BenchOptions options = BenchOptions.parse(new String[] {"--scenarios", "lat,load"});
        assertThat(options.scenarios()).containsExactly("lat", "pp", "load");
    }

    @Test
    void theFinalJarIsBuiltWhenFinalDefaultOrTheThreadsSweepNeedsIt() {
        assertThat(BenchOptions.parse(new String[] {"--steps", "01", "--peers", "final-default"}).jarsNeeded())
                .containsExactly(1, 34);
        assertThat(BenchOptions.parse(new String[] {"--steps", "01", "--peers", "none", "--scenarios", "pp"}).jarsNeeded())
                .containsExactly(1);
    }

    @Test
    void unknownNamesAndImpossibleValuesAreRefusedInOneLine() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--scenarios", "fast"})).hasMessage("unknown scenario fast");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--peers", "tomcat"})).hasMessage("unknown peer tomcat");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--sizes", "2000000"}))
                .hasMessage("payload 2000000 is larger than the servers accept (1048576)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rounds", "0"}))
                .hasMessage("--rounds needs a whole number of at least 1, not 0");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--gen-threads"})).hasMessage("--gen-threads needs a value");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--steps", "x"})).hasMessage("not a number or range: x");
    }
}
