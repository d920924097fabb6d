package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServerCountersTest {

    @Test
    void aReplyLineParsesBackToTheSameCounters() {
        ServerCounters counters = new ServerCounters(1, 2, 3, 4, -1, 6, 7, 8, 9);
        assertEquals(counters, ServerCounters.parse("ok " + counters.line()));
    }

    @Test
    void aMissingCounterIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerCounters.parse("ok allocated_bytes=1"));
        assertEquals(true, e.getMessage().contains("heap_used"));
    }

    @Test
    void directReservedAddsNettysCountToTheJdksAndSkipsAnUncountedOne() {
        assertEquals(30, new ServerCounters(0, 0, 0, 0, 10, 20, 0, 0, 0).directReserved());
        assertEquals(20, new ServerCounters(0, 0, 0, 0, -1, 20, 0, 0, 0).directReserved());
    }

    @Test
    void keyValuesSkipWordsWithoutEqualsAndKeepTheLastOfARepeatedKey() {
        Map<String, String> pairs = KeyValues.parse("ok a=1 b=x=y a=3 plain");
        assertEquals(Map.of("a", "3", "b", "x=y"), pairs);
        assertThrows(IllegalArgumentException.class, () -> KeyValues.longValue(pairs, "b", "line"));
    }
}
