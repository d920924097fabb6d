package dev.iocp.channel.faults;

import dev.iocp.port.Operation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Which operations a {@link FaultInjector} spoils, and how: a set of operation kinds, a choice
 * among their submissions (every one, every n-th, a seeded random fraction, or a predicate), and
 * the faults to apply (one picked at random, with the same seed, when there are several).
 *
 * <p>Rules are shared by the ports of a group, so deciding is synchronized; a seeded rule gives
 * the same sequence of decisions for the same sequence of submissions.
 */
public final class FaultRule {

    /** One submission a rule decides on. */
    public record Candidate(Operation operation, long key, long sequence) {
    }

    private final EnumSet<Operation> operations;
    private final Predicate<Candidate> choice;
    private final Fault[] faults;
    private final SplittableRandom random;
    private long sequence;

    private FaultRule(EnumSet<Operation> operations, Predicate<Candidate> choice, Fault[] faults, long seed) {
        this.operations = operations;
        this.choice = choice;
        this.faults = faults;
        this.random = new SplittableRandom(seed);
    }

    /** Every submission of the given kinds. */
    public static Builder on(Operation first, Operation... rest) {
        return new Builder(EnumSet.of(first, rest));
    }

    /**
     * The decision for one submission: the fault to apply, or null. Short transfers are only
     * chosen for sends, send-files and receives.
     */
    synchronized Fault decide(Operation operation, long key) {
        if (!operations.contains(operation)) {
            return null;
        }
        Candidate candidate = new Candidate(operation, key, sequence++);
        if (!choice.test(candidate)) {
            return null;
        }
        Fault fault = faults.length == 1 ? faults[0] : faults[random.nextInt(faults.length)];
        if (fault.isShort() && operation != Operation.SEND && operation != Operation.SEND_FILE
                && operation != Operation.RECEIVE) {
            return null;
        }
        return fault;
    }

    synchronized double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public String toString() {
        return "FaultRule[" + operations + " -> " + Arrays.toString(faults) + "]";
    }

    public static final class Builder {
        private final EnumSet<Operation> operations;
        private Predicate<Candidate> choice = c -> true;
        private long seed = 1;
        private double probability = -1;

        private Builder(EnumSet<Operation> operations) {
            this.operations = operations;
        }

        /** Every n-th submission (the n-th, 2n-th, ...) of the rule's kinds. */
        public Builder everyNth(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be positive: " + n);
            }
            this.choice = c -> c.sequence() % n == n - 1;
            return this;
        }

        /** A seeded random fraction of the submissions. */
        public Builder randomly(long seed, double probability) {
            this.seed = seed;
            this.probability = probability;
            return this;
        }

        /** The submissions the predicate accepts. */
        public Builder when(Predicate<Candidate> predicate) {
            this.choice = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /** Builds the rule; with several faults, each chosen submission gets one at random. */
        public FaultRule become(Fault... faults) {
            if (faults.length == 0) {
                throw new IllegalArgumentException("at least one fault");
            }
            Fault[] copy = faults.clone();
            if (probability < 0) {
                return new FaultRule(operations, choice, copy, seed);
            }
            double p = probability;
            FaultRule[] self = new FaultRule[1];
            Predicate<Candidate> base = choice;
            self[0] = new FaultRule(operations, c -> base.test(c) && self[0].nextDouble() < p, copy, seed);
            return self[0];
        }
    }
}
