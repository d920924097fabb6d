package dev.iocp.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ratios as a chart: per metric, one horizontal bar per subject (iocp ÷ its Netty reference,
 * iocp-nio ÷ Netty NIO; median over rounds), a line at 1.0 (as good as the reference), and a tick
 * at each ratio target. Written as plain SVG, so any browser shows it and no library is needed.
 */
final class SvgChart {
    private static final int WIDTH = 980;
    private static final int LABEL_X = 12;
    private static final int PLOT_LEFT = 440;
    private static final int PLOT_RIGHT = 900;
    private static final int TOP = 92;
    private static final int BAR_HEIGHT = 12;
    private static final int BAR_GAP = 3;
    private static final int GROUP_GAP = 12;
    private static final int LABEL_LINE = 14;
    /** The scale ends at the largest ratio rounded up to a half, within these bounds. */
    private static final double MIN_SCALE = 2.0;
    private static final double MAX_SCALE = 4.0;
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e"};

    private SvgChart() {
    }

    static String write(RunDescription run, Results results) {
        List<ComparedTransport> subjects = run.transports().stream().filter(t -> !t.isNetty()).toList();
        List<Metric> metrics = new ArrayList<>();
        double largest = 0;
        for (Metric metric : Metric.values()) {
            boolean any = false;
            for (ComparedTransport subject : subjects) {
                double median = TargetCheck.of(results, metric, subject).ratios().median();
                if (!Double.isNaN(median)) {
                    any = true;
                    if (!Double.isInfinite(median)) {
                        largest = Math.max(largest, median);
                    }
                }
            }
            if (any) {
                metrics.add(metric);
            }
        }
        double scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.ceil(largest * 2) / 2));
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
                + " (left of 1.0 is a win). Black ticks: the issue's targets.");
        legend(svg, subjects);
        axis(svg, scale, height);
        if (metrics.isEmpty()) {
            text(svg, LABEL_X, TOP + 16, "", "no ratio to show: no subject (iocp, iocp-nio) with its reference in this run");
        }
        int y = TOP;
        for (Metric metric : metrics) {
            text(svg, LABEL_X, y + 11, "font-weight=\"bold\"", metric.workloadLabel(run.idleConnections()));
            text(svg, LABEL_X, y + 11 + LABEL_LINE, "", metric.quantity() + " " + (metric.higherIsBetter() ? "↑" : "↓"));
            for (int i = 0; i < subjects.size(); i++) {
                bar(svg, TargetCheck.of(results, metric, subjects.get(i)), COLOURS[i % COLOURS.length],
                        y + i * (BAR_HEIGHT + BAR_GAP), scale);
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

    private static void axis(StringBuilder svg, double scale, int height) {
        for (double tick = 0; tick <= scale + 1e-9; tick += 0.5) {
            double x = x(tick, scale);
            boolean one = Math.abs(tick - 1.0) < 1e-9;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                    x, TOP - 8, x, height - 16, one ? "#d62728" : "#dddddd", one ? "1.5" : "1",
                    one ? " stroke-dasharray=\"5,3\"" : ""));
            text(svg, x - 8, TOP - 12, one ? "fill=\"#d62728\"" : "fill=\"#666666\"", String.format(Locale.ROOT, "%.1f", tick));
        }
    }

    private static void bar(StringBuilder svg, TargetCheck check, String colour, int y, double scale) {
        double ratio = check.ratios().median();
        if (Double.isNaN(ratio)) {
            text(svg, PLOT_LEFT + 4, y + BAR_HEIGHT - 2, "fill=\"#999999\"", "not measured");
            return;
        }
        boolean clipped = ratio > scale;
        double end = x(Math.min(ratio, scale), scale);
        String tooltip = check.subject().cliName() + " ÷ " + check.ratios().references() + ": median " + Format.ratio(ratio)
                + ", rounds " + Format.ratio(check.ratios().min()) + "–" + Format.ratio(check.ratios().max())
                + (check.target() == null ? "" : "; target " + check.markdown().replace("**", ""));
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                PLOT_LEFT, y, Math.max(1, end - PLOT_LEFT), BAR_HEIGHT, colour, escape(tooltip)));
        text(svg, end + 4, y + BAR_HEIGHT - 2, "", (clipped ? "» " : "") + Format.ratio(ratio));
        Target target = check.target();
        if (target != null && !target.absolute() && target.bound() <= scale) {
            double tx = x(target.bound(), scale);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
                    tx, y - 2, tx, y + BAR_HEIGHT + 2));
        }
    }

    private static double x(double ratio, double scale) {
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * ratio / scale;
    }

    private static void text(StringBuilder svg, double x, double y, String attributes, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n",
                x, y, attributes.isEmpty() ? "" : " " + attributes, escape(content)));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
