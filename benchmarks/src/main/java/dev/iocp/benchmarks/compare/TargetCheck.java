package dev.iocp.benchmarks.compare;

/**
 * One metric for one subject (iocp or iocp-nio): its ratios to the reference, and the issue's
 * target judged on them: on the median ratio, or on the median figure for an absolute target.
 *
 * @param target  {@code null} where the issue sets none
 * @param verdict {@code null} where there is no target
 */
record TargetCheck(Metric metric, ComparedTransport subject, Ratios.Summary ratios, Target target,
                   Target.Verdict verdict) {

    static TargetCheck of(Results results, Metric metric, ComparedTransport subject) {
        Ratios.Summary ratios = Ratios.summarize(
                Ratios.perRound(results, metric, subject, metric.reference(subject)));
        Target target = metric.target(subject);
        if (target == null) {
            return new TargetCheck(metric, subject, ratios, null, null);
        }
        double measured = target.absolute() ? Stats.median(results.perRound(metric, subject)) : ratios.median();
        return new TargetCheck(metric, subject, ratios, target, target.judge(measured));
    }

    /** E.g. {@code ≥ 1.10×: **PASS**}; empty where there is no target. */
    String markdown() {
        if (target == null) {
            return "";
        }
        String outcome = switch (verdict) {
            case PASS -> "PASS";
            case FAIL -> "**FAIL**";
            case NOT_APPLICABLE -> "n/a";
        };
        return target.describe(metric.unit()) + ": " + outcome;
    }
}
