package dev.iocp.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ratios as a chart: per metric, one bar per subject (iocp ÷ its Netty reference, iocp-nio ÷
 * Netty NIO; median over rounds) growing from the 1.0 line (as good as the reference) to the
 * ratio, and a tick at each ratio target. The axis is logarithmic, so twice as good and twice as
 * bad are bars of the same length on either side of 1.0. Written as plain SVG, so any browser
 * shows it and no library is needed.
 */
final class SvgChart {
    private static final int WIDTH = 980;
    private static final int LABEL_X = 12;
    private static final int PLOT_LEFT = 450;
    private static final int PLOT_RIGHT = 930;
    private static final int TOP = 92;
    private static final int BAR_HEIGHT = 12;
    private static final int BAR_GAP = 3;
    private static final int GROUP_GAP = 12;
    private static final int LABEL_LINE = 14;
    /** The axis spans 1/2^k .. 2^k, k the smallest whole number covering every finite ratio, within these. */
    private static final int MIN_OCTAVES = 1;
    private static final int MAX_OCTAVES = 4;
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e"};

    private SvgChart() {
    }

    static String write(RunDescription run, Results results) {
        List<ComparedTransport> subjects = run.transports().stream().filter(t -> !t.isNetty()).toList();
        List<Metric> metrics = new ArrayList<>();
        double widest = 0;
        for (Metric metric : Metric.values()) {
            boolean any = false;
            for (ComparedTransport subject : subjects) {
                double median = TargetCheck.of(results, metric, subject).ratios().median();
                if (!Double.isNaN(median)) {
                    any = true;
                    if (median > 0 && !Double.isInfinite(median)) {
                        widest = Math.max(widest, Math.abs(log2(median)));
                    }
                }
            }
            if (any) {
                metrics.add(metric);
            }
        }
        Axis axis = new Axis(Math.min(MAX_OCTAVES, Math.max(MIN_OCTAVES, (int) Math.ceil(widest - 1e-9))));
        int groupHeight = Math.max(2 * LABEL_LINE, subjects.size() * (BAR_HEIGHT + BAR_GAP)) + GROUP_GAP;
        int height = TOP + Math.max(1, metrics.size()) * groupHeight + 20;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        text(svg, LABEL_X, 22, "font-size=\"15\" font-weight=\"bold\"",
                "transport-iocp ÷ Netty, median over " + results.rounds() + " round(s) of the per-round ratio"
                        + (run.quick() ? " (quick run: not a measurement)" : ""));
        text(svg, LABEL_X, 42, "", "↑ rows: higher is better (right of 1.0 is a win); ↓ rows: lower is better"
                + " (left of 1.0 is a win). Logarithmic axis. Black ticks: the issue's targets.");
        legend(svg, subjects);
        axis.draw(svg, height);
        if (metrics.isEmpty()) {
            text(svg, LABEL_X, TOP + 16, "", "no ratio to show: no subject (iocp, iocp-nio) with its reference in this run");
        }
        int y = TOP;
        for (Metric metric : metrics) {
            text(svg, LABEL_X, y + 11, "font-weight=\"bold\"", metric.workloadLabel(run.idleConnections()));
            text(svg, LABEL_X, y + 11 + LABEL_LINE, "", metric.quantity() + " " + (metric.higherIsBetter() ? "↑" : "↓"));
            for (int i = 0; i < subjects.size(); i++) {
                bar(svg, axis, TargetCheck.of(results, metric, subjects.get(i)), COLOURS[i % COLOURS.length],
                        y + i * (BAR_HEIGHT + BAR_GAP));
            }
            y += groupHeight;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void legend(StringBuilder svg, List<ComparedTransport> subjects) {
        int x = LABEL_X;
        for (int i = 0; i < subjects.size(); i++) {
            String label = subjects.get(i) == ComparedTransport.IOCP ? "iocp (io_uring) ÷ best Netty (or epoll, where the target names it)"
                    : "iocp-nio ÷ Netty nio";
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"52\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, COLOURS[i % COLOURS.length]));
            text(svg, x + 16, 62, "", label);
            x += 16 + label.length() * 6 + 24;
        }
    }

    private static void bar(StringBuilder svg, Axis axis, TargetCheck check, String colour, int y) {
        double ratio = check.ratios().median();
        if (Double.isNaN(ratio)) {
            text(svg, axis.x(1) + 4, y + BAR_HEIGHT - 2, "fill=\"#999999\"", "not measured");
            return;
        }
        double one = axis.x(1);
        double end = axis.x(ratio);
        boolean clipped = ratio <= 0 || ratio < axis.min() || ratio > axis.max();
        String tooltip = check.subject().cliName() + " ÷ " + check.ratios().references() + ": median " + Format.ratio(ratio)
                + ", rounds " + Format.ratio(check.ratios().min()) + "–" + Format.ratio(check.ratios().max())
                + (check.target() == null ? "" : "; target " + check.markdown().replace("**", ""));
        svg.append(String.format(Locale.ROOT,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                Math.min(one, end), y, Math.max(1, Math.abs(end - one)), BAR_HEIGHT, colour, escape(tooltip)));
        Target target = check.target();
        Double tick = null;
        if (target != null && !target.absolute() && target.bound() >= axis.min() && target.bound() <= axis.max()) {
            tick = axis.x(target.bound());
            svg.append(String.format(Locale.ROOT,
                    "<line class=\"target\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
                    tick, y - 2, tick, y + BAR_HEIGHT + 2));
        }
        String label = Format.ratio(ratio);
        if (ratio >= 1) {
            double x = Math.max(end, tick == null ? end : tick) + 5;
            text(svg, x, y + BAR_HEIGHT - 2, "", (clipped ? "» " : "") + label);
        } else {
            double x = Math.min(end, tick == null ? end : tick) - 5;
            text(svg, x, y + BAR_HEIGHT - 2, "text-anchor=\"end\"", label + (clipped ? " «" : ""));
        }
    }

    /** A log2 axis from 2^-octaves to 2^octaves, 1.0 in the middle; ratios beyond are drawn at its ends. */
    private record Axis(int octaves) {
        double min() {
            return Math.pow(2, -octaves);
        }

        double max() {
            return Math.pow(2, octaves);
        }

        double x(double ratio) {
            double log = ratio <= 0 ? -octaves : Math.max(-octaves, Math.min(octaves, log2(ratio)));
            return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (log + octaves) / (2.0 * octaves);
        }

        void draw(StringBuilder svg, int height) {
            for (int power = -octaves; power <= octaves; power++) {
                double ratio = Math.pow(2, power);
                double x = x(ratio);
                boolean one = power == 0;
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                        x, TOP - 8, x, height - 16, one ? "#d62728" : "#dddddd", one ? "1.5" : "1",
                        one ? " stroke-dasharray=\"5,3\"" : ""));
                String label = ratio >= 1 ? String.format(Locale.ROOT, "%.0f", ratio) : String.format(Locale.ROOT, "%.3g", ratio);
                text(svg, x, TOP - 12, "text-anchor=\"middle\" " + (one ? "fill=\"#d62728\"" : "fill=\"#666666\""),
                        one ? "1.0" : label);
            }
        }
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    private static void text(StringBuilder svg, double x, double y, String attributes, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n",
                x, y, attributes.isEmpty() ? "" : " " + attributes, escape(content)));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
