package dev.iocp.benchmarks.compare;

import java.util.List;
import java.util.Locale;

/**
 * The raw figures behind the report, one line per measurement, for anyone who wants to recompute
 * or plot them differently: {@code rounds.csv} holds every figure of every round,
 * {@code ratios.csv} every per-round ratio of a subject to its reference.
 */
final class RawCsv {
    private RawCsv() {
    }

    static String rounds(Results results, List<ComparedTransport> transports) {
        StringBuilder csv = new StringBuilder("round,transport,workload,metric,unit,value\n");
        for (int round = 1; round <= results.rounds(); round++) {
            for (ComparedTransport transport : transports) {
                for (Metric metric : Metric.values()) {
                    double value = results.value(round, transport, metric);
                    if (!Double.isNaN(value)) {
                        csv.append(round).append(',').append(transport.cliName()).append(',')
                                .append(metric.workload().cliName()).append(',').append(metric.key()).append(',')
                                .append(metric.unit()).append(',').append(number(value)).append('\n');
                    }
                }
            }
        }
        return csv.toString();
    }

    static String ratios(Results results, List<ComparedTransport> transports) {
        StringBuilder csv = new StringBuilder("round,subject,metric,reference_rule,reference,ratio\n");
        for (ComparedTransport subject : transports) {
            if (subject.isNetty()) {
                continue;
            }
            for (Metric metric : Metric.values()) {
                Reference reference = metric.reference(subject);
                if (reference == null) {
                    continue;
                }
                for (Ratios.RoundRatio ratio : Ratios.perRound(results, metric, subject, reference)) {
                    csv.append(ratio.round()).append(',').append(subject.cliName()).append(',').append(metric.key())
                            .append(',').append(reference.name().toLowerCase(Locale.ROOT)).append(',')
                            .append(ratio.reference().cliName()).append(',').append(number(ratio.ratio())).append('\n');
                }
            }
        }
        return csv.toString();
    }

    private static String number(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
