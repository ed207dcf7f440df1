package io.vhostdma.vhost.protocol;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test {@link DataPlane}: records attach/detach calls ({@code "attach 0"}, {@code "detach 0"}),
 * answers detach with a stored base per ring (default 0) and completes quiesce immediately.
 */
public final class RecordingDataPlane implements DataPlane {
    public final List<String> events = new CopyOnWriteArrayList<>();
    public final Map<Integer, Integer> bases = new ConcurrentHashMap<>();
    public final Map<Integer, Boolean> attached = new ConcurrentHashMap<>();
    public final AtomicInteger quiesces = new AtomicInteger();

    @Override
    public void attach(VhostDevice device, int ringIndex) {
        if (attached.put(ringIndex, true) != null) {
            throw new IllegalStateException("ring attached twice: ring=" + ringIndex);
        }
        events.add("attach " + ringIndex);
    }

    @Override
    public CompletableFuture<Integer> detach(VhostDevice device, int ringIndex) {
        if (attached.remove(ringIndex) == null) {
            throw new IllegalStateException("ring detached but not attached: ring=" + ringIndex);
        }
        events.add("detach " + ringIndex);
        return CompletableFuture.supplyAsync(() -> bases.getOrDefault(ringIndex, 0));
    }

    @Override
    public CompletableFuture<Void> quiesce() {
        quiesces.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    public int attachedCount() {
        return attached.size();
    }

    public long count(String event) {
        return events.stream().filter(event::equals).count();
    }
}
