package course.reactor.bench;

import java.util.Locale;

/**
 * One measured run: a row of results.csv. NaN (or -1 for counts and bytes) means "not measured
 * here" and is written as an empty cell, never as a zero that looks like a result.
 *
 * <p>Latency percentiles are this run's own; the report merges the runs' histograms instead of
 * averaging these. Core use is CPU time over wall time and cores: 1.0 is a saturated core. The
 * memory columns per connection are after minus before, divided by the connections held.
 */
record Row(String server, int lesson, String scenario, String point, String mode, int round, int connections,
           int depth, int payloadBytes, double offeredPerSecond, double msgsPerSecond, double megabytesPerSecond,
           double p50Micros, double p99Micros, double p999Micros, double maxMicros, long errors, long unanswered,
           double serverCpuMicrosPerMessage, double serverCoreUse, double generatorCpuMicrosPerMessage,
           double generatorCoreUse, int generatorThreads, int serverConnections, long serverRssBytes, long serverHeapBytes,
           double heapBytesPerConnection, double rssBytesPerConnection, double kernelTcpBytesPerConnection,
           double kernelSlabBytesPerConnection, double seconds) {
    /** A server that used less of its cores than this did not set the pace: something else did. */
    static final double SATURATED = 0.95;

    static final String CSV_HEADER = "server,lesson,scenario,point,mode,round,connections,depth,payload_bytes,"
            + "offered_msgs_per_s,msgs_per_s,mb_per_s,p50_us,p99_us,p999_us,max_us,errors,unanswered,"
            + "server_cpu_us_per_msg,server_core_use,server_saturated,gen_cpu_us_per_msg,gen_core_use,gen_threads,"
            + "server_connections,server_rss_bytes,server_heap_bytes,heap_bytes_per_conn,rss_bytes_per_conn,"
            + "kernel_tcp_bytes_per_conn,kernel_slab_bytes_per_conn,seconds";

    /** Closed loop only: did the server use (nearly) all of its cores? Open and idle runs set no pace. */
    String saturated() {
        if (!mode.equals("closed") || Double.isNaN(serverCoreUse)) {
            return "";
        }
        return serverCoreUse >= SATURATED ? "yes" : "no";
    }

    String csv() {
        return String.join(",", server, lesson > 0 ? String.valueOf(lesson) : "", scenario, point, mode,
                String.valueOf(round), String.valueOf(connections), String.valueOf(depth), String.valueOf(payloadBytes),
                number(offeredPerSecond, 0), number(msgsPerSecond, 1), number(megabytesPerSecond, 2),
                number(p50Micros, 1), number(p99Micros, 1), number(p999Micros, 1), number(maxMicros, 1),
                String.valueOf(errors), String.valueOf(unanswered), number(serverCpuMicrosPerMessage, 3),
                number(serverCoreUse, 3), saturated(), number(generatorCpuMicrosPerMessage, 3),
                number(generatorCoreUse, 3), String.valueOf(generatorThreads), count(serverConnections), count(serverRssBytes), count(serverHeapBytes),
                number(heapBytesPerConnection, 0), number(rssBytesPerConnection, 0),
                number(kernelTcpBytesPerConnection, 0), number(kernelSlabBytesPerConnection, 0), number(seconds, 3));
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String count(long value) {
        return value < 0 ? "" : String.valueOf(value);
    }
}
