package dev.iocp.benchmarks.compare;

import java.util.Locale;

/**
 * A goal from the issue for one figure: either a bound on the median over rounds of the per-round
 * ratio to a {@link Reference}, or a bound on the median figure itself.
 *
 * @param atLeast  whether the figure must be at least (throughput) or at most (cost) the bound
 * @param bound    the bound, a ratio or, for an absolute target, a value in the metric's unit
 * @param absolute whether the bound applies to the figure rather than to the ratio
 */
record Target(boolean atLeast, double bound, boolean absolute) {

    /** Outcome of a target. */
    enum Verdict {
        PASS, FAIL,
        /** Not measured, or the reference was not run. */
        NOT_APPLICABLE;

        String text() {
            return this == NOT_APPLICABLE ? "n/a" : name();
        }
    }

    static Target ratioAtLeast(double bound) {
        return new Target(true, bound, false);
    }

    static Target ratioAtMost(double bound) {
        return new Target(false, bound, false);
    }

    /** A figure that must stay at or below {@code bound} in the metric's own unit. */
    static Target valueAtMost(double bound) {
        return new Target(false, bound, true);
    }

    /**
     * {@code measured}: the median ratio, or the median figure for an absolute target; NaN when
     * missing. An absolute figure is judged in whole units, so "0 B per connection" holds for a
     * pool that moved by a few bytes in all (well under one byte per connection) and fails for
     * anything a connection really holds.
     */
    Verdict judge(double measured) {
        if (Double.isNaN(measured)) {
            return Verdict.NOT_APPLICABLE;
        }
        double judged = absolute ? Math.round(measured) : measured;
        boolean met = atLeast ? judged >= bound : judged <= bound;
        return met ? Verdict.PASS : Verdict.FAIL;
    }

    /** The target as the table shows it, e.g. {@code ≥ 1.10×} or {@code = 0 B}. */
    String describe(String unit) {
        String relation = atLeast ? "≥ " : "≤ ";
        if (absolute) {
            return (!atLeast && bound == 0 ? "= " : relation) + String.format(Locale.ROOT, "%.0f", bound) + " " + unit;
        }
        return relation + String.format(Locale.ROOT, "%.2f", bound) + "×";
    }
}
