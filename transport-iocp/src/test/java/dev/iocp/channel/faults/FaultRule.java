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
 * the faults to apply (each in turn when there are several, so that a test that needs every one
 * of them applied gets each after a handful of choices, however the timing of a run orders them).
 *
 * <p>Rules are shared by the ports of a group, so deciding is synchronized; a seeded rule gives
 * the same sequence of decisions for the same sequence of candidates: submissions, and the
 * arrivals of stream receives (which only a short transfer applies to), so where the kernel
 * splits a stream's data, and the order the loops ask in, count too.
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
    /** Per {@link Takes}: where its next turn through the faults starts. */
    private final int[] turns = new int[Takes.values().length];

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

    /** Which faults a submission can take. */
    enum Takes {
        /** Any: a send, a single receive. */
        ANY,
        /** Errors only: a stream receive's submission, which fails as a whole. */
        ERRORS,
        /** Short transfers only: an arrival of a stream receive, which can be split. */
        SHORT
    }

    /**
     * The decision for one submission: the fault to apply, or null. Each kind of submission
     * ({@link Takes}) goes through the faults it can take in turn, so each of them comes up
     * after a handful of choices, however many choices of the other kinds come between. Short
     * transfers are only chosen for sends, send-files and receives.
     */
    synchronized Fault decide(Operation operation, long key, Takes takes) {
        if (!operations.contains(operation)) {
            return null;
        }
        Candidate candidate = new Candidate(operation, key, sequence++);
        if (!choice.test(candidate)) {
            return null;
        }
        boolean transfer = operation == Operation.SEND || operation == Operation.SEND_FILE
                || operation == Operation.RECEIVE;
        int start = turns[takes.ordinal()];
        for (int i = 0; i < faults.length; i++) {
            int turn = (start + i) % faults.length;
            Fault fault = faults[turn];
            boolean taken = switch (takes) {
                case ANY -> transfer || !fault.isShort();
                case ERRORS -> !fault.isShort();
                case SHORT -> fault.isShort() && transfer;
            };
            if (taken) {
                turns[takes.ordinal()] = (turn + 1) % faults.length;
                return fault;
            }
        }
        return null;
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

        /** Builds the rule; with several faults, the chosen submissions get them in turn. */
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
