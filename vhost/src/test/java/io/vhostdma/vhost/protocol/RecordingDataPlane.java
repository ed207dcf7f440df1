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
    /** When set, every detach fails (a data plane that cannot stop a ring). */
    public volatile boolean failDetach;
    /** How long each detach takes to complete (a teardown that is still running when the next front end comes). */
    public volatile long detachDelayMillis;

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
        if (failDetach) {
            attached.put(ringIndex, true);
            return CompletableFuture.failedFuture(new IllegalStateException("detach refused: ring=" + ringIndex));
        }
        long delay = detachDelayMillis;
        return CompletableFuture.supplyAsync(() -> bases.getOrDefault(ringIndex, 0),
                CompletableFuture.delayedExecutor(delay, java.util.concurrent.TimeUnit.MILLISECONDS));
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
