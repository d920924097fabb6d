package dev.iocp.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * What a workload's run had to say besides its figures. Problems (errors the load or the server
 * saw) make the figures suspect and the run's exit status 1; warnings (a saturated load
 * generator) qualify the figures without failing anything.
 */
final class RunNotes {
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    void problem(String text) {
        problems.add(text);
    }

    void warning(String text) {
        warnings.add(text);
    }

    List<String> problems() {
        return problems;
    }

    List<String> warnings() {
        return warnings;
    }
}
