package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.forward.MacTable;
import io.vhostdma.vhost.protocol.DataPlane;
import io.vhostdma.vhost.protocol.VhostDevice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The data plane: the worker agents, the ports they serve and the forwarding mode. Implements the
 * control plane's {@link DataPlane} contract by sending commands to the owning worker.
 */
public final class DataPlaneImpl implements DataPlane, AutoCloseable {
    /** Hand-off queue slots per worker pair. */
    private static final int HANDOFF_SLOTS = 1024;

    /** Every port ever added, by id (copy-on-write: workers read the array published last). */
    private volatile PortState[] ports;
    private final Map<String, PortState> byName = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile RingListener ringListener = RingListener.NONE;
    private final Worker[] workers;
    private final Thread[] threads;
    private final HandoffLink[][] links;
    /** No threads: {@link #step()} runs the duty cycles on the caller's thread. */
    private final boolean stepped;
    private final MacTable macs;
    private final DmaHooks dma;

    /**
     * @param ports      the configured ports (id = index)
     * @param workers    number of worker agents
     * @param cpus       CPU per worker for pinning, or empty for no pinning
     * @param sink       true for {@code forwarding: sink}, false for the switch
     */
    public DataPlaneImpl(List<PortState> ports, int workers, List<Integer> cpus, boolean sink) {
        this(ports, workers, cpus, sink, DmaHooks.NONE);
    }

    /**
     * @param dma the queues' DMA bindings
     */
    public DataPlaneImpl(List<PortState> ports, int workers, List<Integer> cpus, boolean sink, DmaHooks dma) {
        this(ports, workers, cpus, sink, dma, MacTable.DEFAULT_AGING_SECONDS);
    }

    /**
     * @param macAgingSeconds seconds after which the switch forgets a source MAC not seen again
     */
    public DataPlaneImpl(List<PortState> ports, int workers, List<Integer> cpus, boolean sink, DmaHooks dma,
            int macAgingSeconds) {
        this(ports, workers, cpus, sink, dma, macAgingSeconds, false);
    }

    /**
     * @param stepped the stepped threading mode: {@link #start()} starts no thread, and each {@link #step()} runs one
     *                duty cycle of every worker on the caller's thread (deterministic tests)
     */
    DataPlaneImpl(List<PortState> ports, int workers, List<Integer> cpus, boolean sink, DmaHooks dma,
            int macAgingSeconds, boolean stepped) {
        this.dma = dma;
        this.stepped = stepped;
        this.ports = ports.toArray(new PortState[0]);
        long totalLimit = 0;
        for (PortState p : this.ports) {
            totalLimit += p.macLimit();
        }
        this.macs = new MacTable(MacTable.capacityFor(totalLimit), macAgingSeconds, System.nanoTime());
        for (PortState p : this.ports) {
            byName.put(p.name(), p);
            macs.limit(p.id(), p.macLimit());
        }
        Switch sw = sink ? new SinkSwitch() : new LearningSwitch(this, macs);
        this.workers = new Worker[workers];
        this.threads = new Thread[workers];
        this.links = new HandoffLink[workers][workers];
        for (int w = 0; w < workers; w++) {
            int cpu = cpus.isEmpty() ? -1 : cpus.get(w);
            this.workers[w] = new Worker(w, this, sw, cpu, workers, sink);
        }
        for (PortState p : this.ports) {
            p.injector(new Injector(this.workers[0])); // queue pair 0's RX ring belongs to worker 0
        }
        for (int to = 0; to < workers; to++) {
            for (int from = 0; from < workers; from++) {
                if (from != to) {
                    HandoffLink l = new HandoffLink(this.workers[from], this.workers[to], HANDOFF_SLOTS);
                    links[from][to] = l;
                    this.workers[from].delivery.outbound[to] = l;
                    this.workers[to].inbound[from] = l;
                }
            }
        }
    }

    /** Starts the worker threads (none in the stepped threading mode). */
    public void start() {
        if (stepped) {
            return;
        }
        for (int w = 0; w < workers.length; w++) {
            threads[w] = Thread.ofPlatform().name("vhostd-worker-" + w).daemon(true).start(workers[w]);
        }
    }

    /**
     * The stepped threading mode: runs one duty cycle of every worker, in id order, on the caller's thread (with
     * the same fault containment as a worker thread); returns the work done.
     */
    int step() {
        if (!stepped) {
            throw new IllegalStateException("the data plane runs its own worker threads");
        }
        int work = 0;
        for (Worker w : workers) {
            work += w.step();
        }
        return work;
    }

    /**
     * Every port by id, including removed ones (flagged {@link PortState#removed()}, never connected
     * again): an id stays valid for workers that still hold it.
     */
    public PortState[] ports() {
        return ports;
    }

    public PortState port(int id) {
        return ports[id];
    }

    /** The id the next {@link #addPort} gets. */
    public synchronized int nextPortId() {
        return ports.length;
    }

    /** Adds a port live (its id must be {@link #nextPortId()}); workers see it at their next read of the array. */
    public synchronized void addPort(PortState port) {
        if (port.id() != ports.length || byName.containsKey(port.name())) {
            throw new IllegalArgumentException("port id or name taken: port=" + port.name() + " id=" + port.id());
        }
        port.injector(new Injector(workers[0])); // as for configured ports: queue pair 0's RX ring is worker 0's
        macs.limit(port.id(), port.macLimit());
        PortState[] next = java.util.Arrays.copyOf(ports, ports.length + 1);
        next[port.id()] = port;
        byName.put(port.name(), port);
        ports = next;
    }

    /**
     * Removes a disconnected port: it keeps its id slot (a worker may still hold the id), flagged removed, and
     * its MACs are forgotten. Its injector is taken off the port and returned: once {@link #quiesce()} completed
     * no worker reads it, and the caller unregisters and closes it (see {@link Injector#close()}).
     *
     * @return the port's injector, or null
     */
    public synchronized Injector removePort(PortState port) {
        port.markRemoved();
        byName.remove(port.name(), port);
        macs.forgetPort(port.id());
        Injector in = port.injector();
        port.injector(null);
        return in;
    }

    /** Tells {@code listener} about every ring start and stop from now on. */
    public void ringListener(RingListener listener) {
        this.ringListener = listener;
    }

    public PortState port(String name) {
        return byName.get(name);
    }

    PortState portOf(VhostDevice device) {
        return byName.get(device.portName());
    }

    public Worker[] workers() {
        return workers;
    }

    /** The threads running the workers (for tests measuring their allocation). */
    public Thread[] threads() {
        return threads;
    }

    /**
     * Moves a port to another switching segment (it joined or left an access group): its MACs are
     * forgotten so no stale entry forwards across segments; other traffic is not disturbed.
     */
    public void moveToSegment(PortState port, int segment) {
        if (port.segment() != segment) {
            port.segment(segment);
            macs.forgetPort(port.id());
        }
    }

    /**
     * Advances the MAC table's clock and frees the entries that aged out (call once a second, never
     * from a worker). Returns the number freed.
     */
    public int ageMacs(long nanoTime) {
        return macs.tick(nanoTime);
    }

    /** The switch's MAC table (views and tests). */
    public MacTable macs() {
        return macs;
    }

    /** Forgets every MAC learned on the port (its guest went away). */
    public void portDown(PortState port) {
        macs.forgetPort(port.id());
    }

    private Worker ownerOf(int ringIndex) {
        return workers[(ringIndex / 2) % workers.length];
    }

    @Override
    public void attach(VhostDevice device, int ringIndex) {
        PortState port = portOf(device);
        if (port == null) {
            throw new IllegalArgumentException("unknown port: port=" + device.portName());
        }
        Worker w = ownerOf(ringIndex);
        io.vhostdma.backend.stats.QueueCounters counters = (ringIndex & 1) == 1 ? port.counters().tx(ringIndex / 2)
                : port.counters().rx(ringIndex / 2);
        ChannelBinding binding = SealedMemoryRule.apply(dma.binding(port.name(), ringIndex), device.memory(), counters,
                "port=" + port.name() + " queue=" + io.vhostdma.config.QueueRef.ofRing(ringIndex));
        OwnedRing ring = (ringIndex & 1) == 1 ? new TxRing(device, port, ringIndex, w, binding)
                : new RxRing(device, port, ringIndex, w, binding);
        port.started(ringIndex, true);
        ringListener.started(port, device, ringIndex, binding == null ? null : binding.name());
        w.submit(() -> w.rings.attachRing(ring));
    }

    /**
     * Moves a started ring of {@code port} to {@code binding} (null: CPU copies), draining it on its
     * old channel first; see {@link OwnedRings#rebindRing}. Completes (on the worker) with false when the
     * ring is not started.
     */
    public CompletableFuture<Boolean> rebind(PortState port, int ringIndex, ChannelBinding binding) {
        Worker w = ownerOf(ringIndex);
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        w.submit(() -> w.rings.rebindRing(port, ringIndex, binding, f));
        return f;
    }

    /** Wakes the worker owning ring {@code ringIndex} of every port if it sleeps (after publishing work for it). */
    public void wakeOwner(int ringIndex) {
        ownerOf(ringIndex).wakeup.wake();
    }

    /** The worker that owns ring {@code ringIndex} of every port. */
    public int ownerIndex(int ringIndex) {
        return ownerOf(ringIndex).id;
    }

    @Override
    public CompletableFuture<Integer> detach(VhostDevice device, int ringIndex) {
        PortState port = portOf(device);
        CompletableFuture<Integer> f = detachRing(device, ringIndex);
        if (port == null || !port.started(ringIndex)) {
            return f;
        }
        // the stop is reported before the session goes on (its stages depend on the returned stage)
        return f.whenComplete((base, error) -> {
            port.started(ringIndex, false);
            ringListener.stopped(port, ringIndex);
        });
    }

    private CompletableFuture<Integer> detachRing(VhostDevice device, int ringIndex) {
        Worker w = ownerOf(ringIndex);
        CompletableFuture<Integer> f = new CompletableFuture<>();
        w.submit(() -> {
            try {
                w.rings.detachRing(device, ringIndex, f);
            } catch (RuntimeException | Error e) {
                FaultContainment.rethrowIfFatal(e);
                f.completeExceptionally(e); // the session goes on (and closes the ring's fds) either way
            }
        });
        return f;
    }

    /** SEND_RARP: worker 0 forwards the announcement at its next duty cycle (as the port's own frame). */
    @Override
    public void announce(VhostDevice device, long mac) {
        PortState port = portOf(device);
        if (port != null) {
            System.getLogger("io.vhostdma.dataplane").log(System.Logger.Level.INFO, "announce: port=" + port.name()
                    + " mac=" + io.vhostdma.config.MacAddresses.format(mac) + " (SEND_RARP)");
            Worker w = workers[0];
            w.submit(() -> w.announce(port, mac));
        }
    }

    /** The host buffers of every worker and every port's injector (registered with each DMA device as host memory). */
    public List<java.lang.foreign.MemorySegment> stagingMemory() {
        List<java.lang.foreign.MemorySegment> out = new java.util.ArrayList<>();
        for (Worker w : workers) {
            out.add(w.pool.memory());
        }
        for (PortState p : ports) {
            if (p.injector() != null) {
                out.add(p.injector().memory()); // frames sent by the reactive API, copied out by DMA too
            }
        }
        return out;
    }

    @Override
    public CompletableFuture<Void> quiesce() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[workers.length];
        for (int w = 0; w < workers.length; w++) {
            all[w] = workers[w].quiesce();
        }
        return CompletableFuture.allOf(all);
    }

    @Override
    public void close() throws InterruptedException {
        for (Worker w : workers) {
            w.stop();
        }
        for (int w = 0; w < workers.length; w++) {
            if (threads[w] != null) {
                threads[w].join(5000);
            } else {
                if (stepped) {
                    workers[w].step(); // its last commands run before it is freed
                }
                workers[w].release(); // never started: its epoll, eventfd, AIO context and buffers
            }
        }
        for (HandoffLink[] row : links) {
            for (HandoffLink l : row) {
                if (l != null) {
                    l.close();
                }
            }
        }
        for (PortState p : ports) {
            if (p.injector() != null) {
                p.injector().close();
            }
        }
    }
}
