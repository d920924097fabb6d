package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencySamplesTest {

    @Test
    void percentilesAreInMicrosecondsOverUnsortedSamples() {
        LatencySamples samples = new LatencySamples();
        for (int i = 1000; i >= 1; i--) {
            samples.record(i * 1_000L); // 1..1000 µs, recorded in descending order
        }
        assertEquals(1000, samples.count());
        assertEquals(500.0, samples.percentileMicros(50));
        assertEquals(990.0, samples.percentileMicros(99));
    }

    @Test
    void growsPastItsInitialCapacity() {
        LatencySamples samples = new LatencySamples();
        int count = 200_000;
        for (int i = 0; i < count; i++) {
            samples.record(7_000);
        }
        samples.record(1_000_000);
        assertEquals(count + 1, samples.count());
        assertEquals(7.0, samples.percentileMicros(99));
        assertEquals(1000.0, samples.percentileMicros(100));
    }

    @Test
    void recordingAfterAPercentileKeepsTheResultRight() {
        LatencySamples samples = new LatencySamples();
        samples.record(3_000);
        samples.record(1_000);
        assertEquals(1.0, samples.percentileMicros(50));
        samples.record(0);
        samples.record(0);
        assertEquals(0.0, samples.percentileMicros(50));
    }
}
