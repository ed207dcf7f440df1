package io.vhostdma.backend.dataplane;

/**
 * Where the switch decided a frame goes: port ids, or the worker's sink (the {@code forwarding: sink} mode). A
 * reused value, filled by {@link Switch#decide} and read by {@link Delivery#deliver}; worker-local.
 */
final class Destinations {
    private int[] ports;
    private int count;
    private boolean sink;

    Destinations(int capacity) {
        ports = new int[capacity];
    }

    void clear() {
        count = 0;
        sink = false;
    }

    /** Adds port {@code id}. */
    void add(int id) {
        if (count == ports.length) {
            ports = java.util.Arrays.copyOf(ports, 2 * ports.length); // only once ports outnumber the capacity
        }
        ports[count++] = id;
    }

    /** The frame is consumed by the worker's sink (counted, copied into host memory, dropped). */
    void sink() {
        sink = true;
    }

    boolean isSink() {
        return sink;
    }

    int count() {
        return count;
    }

    int port(int i) {
        return ports[i];
    }
}
