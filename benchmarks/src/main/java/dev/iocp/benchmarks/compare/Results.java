package dev.iocp.benchmarks.compare;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** Every figure of the run: per metric, per transport, one value per round (NaN where none was measured). */
final class Results {
    private final int rounds;
    private final Map<Metric, Map<ComparedTransport, double[]>> values = new EnumMap<>(Metric.class);

    Results(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds " + rounds + " < 1");
        }
        this.rounds = rounds;
    }

    int rounds() {
        return rounds;
    }

    /** Records {@code value} for round {@code round} (1-based). */
    void put(int round, ComparedTransport transport, Metric metric, double value) {
        if (round < 1 || round > rounds) {
            throw new IllegalArgumentException("round " + round + " outside 1.." + rounds);
        }
        values.computeIfAbsent(metric, m -> new EnumMap<>(ComparedTransport.class))
                .computeIfAbsent(transport, t -> newRoundArray())[round - 1] = value;
    }

    /** The value of round {@code round} (1-based); NaN when not measured. */
    double value(int round, ComparedTransport transport, Metric metric) {
        double[] perRound = values.getOrDefault(metric, Map.of()).get(transport);
        return perRound == null ? Double.NaN : perRound[round - 1];
    }

    /** One value per round, NaN where not measured. */
    double[] perRound(Metric metric, ComparedTransport transport) {
        double[] perRound = values.getOrDefault(metric, Map.of()).get(transport);
        return perRound == null ? newRoundArray() : perRound.clone();
    }

    /** Whether any round measured {@code metric}. */
    boolean measured(Metric metric) {
        return values.containsKey(metric);
    }

    private double[] newRoundArray() {
        double[] perRound = new double[rounds];
        Arrays.fill(perRound, Double.NaN);
        return perRound;
    }
}
