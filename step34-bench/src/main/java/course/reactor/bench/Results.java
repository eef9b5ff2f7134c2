package course.reactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run measured: its rows, in order, and for each (scenario point, server) the histogram of
 * every round merged with {@code Histogram.add}. Also what the report says about the setup: the
 * servers, their JVMs' choices, and what was left out.
 */
final class Results {
    private final List<Row> rows = new ArrayList<>();
    /** scenario key → server → every round's samples. */
    private final Map<String, Map<String, Histogram>> histograms = new LinkedHashMap<>();
    final List<Server> servers = new ArrayList<>();
    final Map<String, JvmInfo> jvms = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    /** The fastest server's mean pp rate, the load sweep's 100 %; NaN when there was no sweep. */
    double loadReference = Double.NaN;
    String loadReferenceServer = "";

    void add(Row row, Histogram latencies) {
        rows.add(row);
        if (latencies != null && latencies.getTotalCount() > 0) {
            String key = row.point().isEmpty() ? row.scenario() : row.scenario() + "-" + row.point();
            histograms.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .computeIfAbsent(row.server(), s -> Histograms.create())
                    .add(latencies);
        }
    }

    List<Row> rows() {
        return rows;
    }

    /** The merged histogram of a scenario point for one server; empty if nothing was recorded. */
    Histogram merged(String scenarioKey, String server) {
        Histogram histogram = histograms.getOrDefault(scenarioKey, Map.of()).get(server);
        return histogram == null ? Histograms.create() : histogram;
    }

    /** server → merged histogram, in the order the servers were first measured. */
    Map<String, Histogram> merged(String scenarioKey) {
        return histograms.getOrDefault(scenarioKey, Map.of());
    }

    void writeCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder(Row.CSV_HEADER).append('\n');
        for (Row row : rows) {
            csv.append(row.csv()).append('\n');
        }
        Files.writeString(file, csv.toString());
    }

    /** One .hgrm file per (scenario point, server), in {@code directory}: {@code pp-final.hgrm}. */
    void writeHgrms(Path directory) throws IOException {
        for (Map.Entry<String, Map<String, Histogram>> scenario : histograms.entrySet()) {
            for (Map.Entry<String, Histogram> server : scenario.getValue().entrySet()) {
                Histograms.writeHgrm(server.getValue(), directory.resolve(hgrmName(scenario.getKey(), server.getKey())));
            }
        }
    }

    static String hgrmName(String scenarioKey, String server) {
        return (scenarioKey + "-" + server).replace('%', 'p') + ".hgrm";
    }
}
