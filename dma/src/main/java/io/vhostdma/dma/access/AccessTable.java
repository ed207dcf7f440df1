package io.vhostdma.dma.access;

import java.util.Arrays;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Immutable snapshot of which guest-domain pairs one device may join: every unordered pair of handles
 * that share at least one access group on the device. Looked up by binary search, allocation-free.
 */
public final class AccessTable {
    /** No pair allowed. */
    public static final AccessTable EMPTY = new AccessTable(new int[0]);

    private final int[] pairs; // sorted keys (min << 16 | max)

    private AccessTable(int[] pairs) {
        this.pairs = pairs;
    }

    /**
     * Builds the table from group memberships.
     *
     * @param groups each element is the member handles of one group
     * @return the table
     */
    public static AccessTable of(Collection<int[]> groups) {
        TreeSet<Integer> keys = new TreeSet<>();
        for (int[] members : groups) {
            for (int a : members) {
                for (int b : members) {
                    if (a < b) {
                        keys.add(key(a, b));
                    }
                }
            }
        }
        return new AccessTable(keys.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int key(int a, int b) {
        return Math.min(a, b) << 16 | Math.max(a, b);
    }

    /**
     * @param a a domain handle
     * @param b another
     * @return whether the two share a group on this device
     */
    public boolean allows(int a, int b) {
        return Arrays.binarySearch(pairs, key(a, b)) >= 0;
    }

    /** @return number of allowed pairs */
    public int pairCount() {
        return pairs.length;
    }
}
