package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertEquals(3.0, Stats.median(new double[] {5, 1, 3}));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
    }

    @Test
    void roundsNotMeasuredAreLeftOutOfMedianMinAndMax() {
        double[] values = {Double.NaN, 7, 1, Double.NaN, 4};
        assertEquals(4.0, Stats.median(values));
        assertEquals(1.0, Stats.min(values));
        assertEquals(7.0, Stats.max(values));
    }

    @Test
    void nothingMeasuredHasNoMedian() {
        assertTrue(Double.isNaN(Stats.median(new double[] {Double.NaN})));
        assertTrue(Double.isNaN(Stats.min(new double[0])));
    }

    @Test
    void nearestRankPercentileOfAHundredSamplesIsTheSampleAtThatRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1; // 1..100
        }
        assertEquals(50, Stats.percentile(sorted, 100, 50));
        assertEquals(99, Stats.percentile(sorted, 100, 99));
        assertEquals(100, Stats.percentile(sorted, 100, 100));
        assertEquals(1, Stats.percentile(sorted, 100, 0.001));
    }

    @Test
    void percentileRoundsTheRankUp() {
        long[] sorted = {10, 20, 30};
        // 99 % of 3 samples is 2.97: the 3rd sample.
        assertEquals(30, Stats.percentile(sorted, 3, 99));
        // 50 % of 3 is 1.5: the 2nd.
        assertEquals(20, Stats.percentile(sorted, 3, 50));
    }

    @Test
    void percentileUsesOnlyTheCountedSamples() {
        long[] sorted = {1, 2, 3, 0, 0};
        assertEquals(3, Stats.percentile(sorted, 3, 100));
    }

    @Test
    void percentileRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 1, 101));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[0], 0, 50));
    }
}
