package dev.iocp.benchmarks.compare;

import java.util.Locale;

/** How figures are written in the report and the chart. */
final class Format {
    private Format() {
    }

    /**
     * A figure with as many decimals as its size deserves: whole numbers from 1 000 on (grouped by
     * thousands with a space, as the README writes them), one decimal from 100, two below.
     */
    static String figure(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1_000) {
            return grouped(Math.round(value));
        }
        return String.format(Locale.ROOT, magnitude >= 100 ? "%.1f" : "%.2f", value);
    }

    /** A ratio with two decimals. */
    static String ratio(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        if (Double.isInfinite(value)) {
            return "∞";
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** A whole number grouped by thousands with spaces: {@code 10 000}. */
    static String grouped(long value) {
        String digits = Long.toString(Math.abs(value));
        StringBuilder out = new StringBuilder();
        int lead = digits.length() % 3;
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (i - lead) % 3 == 0) {
                out.append(' ');
            }
            out.append(digits.charAt(i));
        }
        return (value < 0 ? "-" : "") + out;
    }
}
