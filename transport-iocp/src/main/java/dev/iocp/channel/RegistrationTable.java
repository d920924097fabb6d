package dev.iocp.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A loop's registrations by completion key: the key is the index, so a completion finds its
 * registration with one array read. Keys of removed registrations are reused, and when most of
 * the table is empty (a burst of connections has closed) it shrinks to what the highest key still
 * in use needs, so a loop does not keep, for good, the size of its busiest moment.
 *
 * <p>Owner thread only, as the handler.
 */
final class RegistrationTable {
    static final int MIN_CAPACITY = 64;

    private IocpIoRegistration[] registrations = new IocpIoRegistration[MIN_CAPACITY];
    /** Keys below {@link #nextKey} that are free, as a stack. */
    private int[] freeKeys = new int[0];
    private int freeCount;
    /** Every key from here up is free. */
    private int nextKey;
    private int size;
    /** Removals, while at most a quarter of the table is used, before the next try to shrink it. */
    private int removalsBeforeShrinkTry;

    /** The registration with {@code key}, or null. */
    IocpIoRegistration get(long key) {
        return key >= 0 && key < registrations.length ? registrations[(int) key] : null;
    }

    /** A key for a new registration, which {@link #put} then stores. */
    int nextFreeKey() {
        return freeCount > 0 ? freeKeys[freeCount - 1] : nextKey;
    }

    void put(IocpIoRegistration registration) {
        int key = registration.key;
        if (freeCount > 0 && freeKeys[freeCount - 1] == key) {
            freeCount--;
        } else if (key == nextKey) {
            nextKey++;
        } else {
            throw new IllegalStateException("key " + key + " was not the next free key");
        }
        if (key >= registrations.length) {
            registrations = Arrays.copyOf(registrations, registrations.length * 2);
        }
        registrations[key] = registration;
        size++;
    }

    /** Forgets {@code registration} if it is the one under its key; returns whether it was. */
    boolean remove(IocpIoRegistration registration) {
        int key = registration.key;
        if (key >= registrations.length || registrations[key] != registration) {
            return false;
        }
        registrations[key] = null;
        if (freeCount == freeKeys.length) {
            freeKeys = Arrays.copyOf(freeKeys, Math.max(16, freeCount * 2));
        }
        freeKeys[freeCount++] = key;
        size--;
        if (size <= registrations.length / 4 && registrations.length > MIN_CAPACITY && --removalsBeforeShrinkTry <= 0) {
            // A try scans the table: the next comes after half as many removals as are left,
            // so tries get closer as the table empties, and cost O(n log n) per burst.
            removalsBeforeShrinkTry = Math.max(1, size / 2);
            shrink();
        }
        return true;
    }

    /**
     * Cuts the table down to twice what its highest key in use needs (at least
     * {@link #MIN_CAPACITY}), and the free keys to those below it, restacked lowest first.
     */
    private void shrink() {
        int highest = nextKey - 1;
        while (highest >= 0 && registrations[highest] == null) {
            highest--;
        }
        int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, highest + 1)) << 1);
        if (capacity < registrations.length) {
            registrations = Arrays.copyOf(registrations, capacity);
        }
        nextKey = highest + 1;
        // Low keys on top, reused first: the high ones drain, for a later try.
        int free = 0;
        int[] keys = new int[Math.max(16, nextKey - size)];
        for (int key = nextKey - 1; key >= 0; key--) {
            if (registrations[key] == null) {
                keys[free++] = key;
            }
        }
        freeKeys = keys;
        freeCount = free;
    }

    /** Registrations stored. */
    int size() {
        return size;
    }

    /** The slots the table has now: its memory. */
    int capacity() {
        return registrations.length;
    }

    /** A copy of the registrations stored, to act on while the table may change. */
    List<IocpIoRegistration> live() {
        List<IocpIoRegistration> live = new ArrayList<>(size);
        for (IocpIoRegistration registration : registrations) {
            if (registration != null) {
                live.add(registration);
            }
        }
        return live;
    }
}
