package dev.iocp.benchmarks.compare;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one wrk run reports: responses completed, over how long, and what went wrong.
 *
 * @param requests     responses completed (wrk's "N requests in T")
 * @param seconds      the run's length as wrk measured it
 * @param socketErrors connect, read, write and timeout errors together
 * @param non2xx       responses with a status other than 2xx or 3xx
 */
record WrkResult(long requests, double seconds, long socketErrors, long non2xx) {
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m|h)\\b");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    double requestsPerSecond() {
        return requests / seconds;
    }

    /** Parses wrk's report; a clear error when it holds no total (wrk failed before running). */
    static WrkResult parse(String output) {
        Matcher total = TOTAL.matcher(output);
        if (!total.find()) {
            throw new IllegalArgumentException("wrk printed no 'N requests in T' line:\n" + output);
        }
        long requests = Long.parseLong(total.group(1));
        double seconds = Double.parseDouble(total.group(2)) * secondsPer(total.group(3));
        long socketErrors = 0;
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (errors.find()) {
            for (int group = 1; group <= 4; group++) {
                socketErrors += Long.parseLong(errors.group(group));
            }
        }
        Matcher non2xx = NON_2XX.matcher(output);
        return new WrkResult(requests, seconds, socketErrors, non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
    }

    private static double secondsPer(String unit) {
        return switch (unit) {
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "m" -> 60;
            case "h" -> 3_600;
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }
}
