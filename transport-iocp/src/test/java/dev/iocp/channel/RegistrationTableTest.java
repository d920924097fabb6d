package dev.iocp.channel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loop's registrations by key: keys are reused, and the table shrinks once a burst has gone. */
class RegistrationTableTest {

    private static IocpIoRegistration add(RegistrationTable table) {
        IocpIoRegistration registration = new IocpIoRegistration(null, null, table.nextFreeKey());
        table.put(registration);
        return registration;
    }

    @Test
    void theTableShrinksAfterABurstToWhatTheKeysStillInUseNeed() {
        RegistrationTable table = new RegistrationTable();
        IocpIoRegistration listener = add(table);
        List<IocpIoRegistration> burst = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            burst.add(add(table));
        }
        assertTrue(table.capacity() >= 10_001);
        IocpIoRegistration last = burst.removeLast(); // a connection with a high key, still open
        for (IocpIoRegistration registration : burst) {
            assertTrue(table.remove(registration));
        }
        assertTrue(table.capacity() > last.key, "shrunk below a key in use");
        assertSame(last, table.get(last.key));
        for (int i = 0; i < 20_000; i++) { // churn: after a try, new registrations take low keys
            table.remove(add(table));
        }
        assertTrue(table.nextFreeKey() < 64, "a new registration would take key " + table.nextFreeKey());
        assertTrue(table.remove(last));
        for (int i = 0; i < 20_000 && table.capacity() > RegistrationTable.MIN_CAPACITY; i++) { // churn
            table.remove(add(table));
        }
        assertEquals(RegistrationTable.MIN_CAPACITY, table.capacity());
        assertSame(listener, table.get(listener.key));
        assertNull(table.get(last.key), "a key past the table");
        assertEquals(1, table.size());
        assertEquals(List.of(listener), table.live());
    }
}
