package dev.iocp.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * transport-iocp's figures divided by its reference's, round by round: each round's ratio is taken
 * against that round's reference (the best Netty transport of that round, or the one the target
 * names), and the summary is the median of those ratios with their spread. Pairing within a round
 * cancels the drift of a shared machine between rounds.
 */
final class Ratios {
    private Ratios() {
    }

    /** One round's ratio and the transport it was taken against. */
    record RoundRatio(int round, double ratio, ComparedTransport reference) {
    }

    /** Median and spread of the per-round ratios, and which transports they were taken against. */
    record Summary(double median, double min, double max, String references) {
        static final Summary NONE = new Summary(Double.NaN, Double.NaN, Double.NaN, "");
    }

    /**
     * The ratio of {@code subject} to {@code reference} for {@code metric} in every round where both
     * were measured; the reference is the best candidate of that round (higher or lower per the
     * metric). None for a {@code null} reference (a row that is not compared).
     */
    static List<RoundRatio> perRound(Results results, Metric metric, ComparedTransport subject, Reference reference) {
        List<RoundRatio> ratios = new ArrayList<>();
        if (reference == null) {
            return ratios;
        }
        for (int round = 1; round <= results.rounds(); round++) {
            double value = metric.comparable(results.value(round, subject, metric));
            if (Double.isNaN(value)) {
                continue;
            }
            ComparedTransport best = null;
            double bestValue = Double.NaN;
            for (ComparedTransport candidate : reference.candidates()) {
                double candidateValue = metric.comparable(results.value(round, candidate, metric));
                if (Double.isNaN(candidateValue)) {
                    continue;
                }
                boolean better = metric.higherIsBetter() ? candidateValue > bestValue : candidateValue < bestValue;
                if (best == null || better) {
                    best = candidate;
                    bestValue = candidateValue;
                }
            }
            if (best != null) {
                ratios.add(new RoundRatio(round, ratio(value, bestValue), best));
            }
        }
        return ratios;
    }

    /**
     * {@code subject / reference} of two figures already made {@link Metric#comparable}: nothing
     * against nothing is 1, something against nothing is infinite.
     */
    static double ratio(double subject, double reference) {
        if (reference == 0) {
            return subject == 0 ? 1.0 : Double.POSITIVE_INFINITY;
        }
        return subject / reference;
    }

    static Summary summarize(List<RoundRatio> ratios) {
        if (ratios.isEmpty()) {
            return Summary.NONE;
        }
        double[] values = ratios.stream().mapToDouble(RoundRatio::ratio).toArray();
        Map<String, Long> counts = ratios.stream().collect(
                Collectors.groupingBy(r -> r.reference().cliName(), TreeMap::new, Collectors.counting()));
        String references = counts.size() == 1 ? counts.keySet().iterator().next()
                : counts.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", "));
        return new Summary(Stats.median(values), Stats.min(values), Stats.max(values), references);
    }
}
