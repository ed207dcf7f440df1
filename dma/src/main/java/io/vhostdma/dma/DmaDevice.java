package io.vhostdma.dma;

import io.vhostdma.dma.core.DescriptorRing;
import io.vhostdma.dma.core.DeviceTables;
import io.vhostdma.dma.core.ExecutionGate;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.EngineInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A DMA device: lifecycle, channels, statistics. Control methods are thread-safe and throw
 * {@link DmaException}s; the fast path lives in {@link DmaChannel}.
 *
 * <p>Lifecycle: {@link #configure} → {@link #setupChannel} for every channel → {@link #start} →
 * {@link #stop} → ({@link #configure} again, or {@link #start} again) → {@link #close}. Calls out of
 * order throw {@link DmaException.IllegalState}.
 */
public final class DmaDevice {
    /** Most entries per side of a scatter-gather copy with the built-in engines. */
    public static final int MAX_SGES = 4;
    /**
     * What every device offers whatever its engine, because the layer's checks provide it: an op on
     * memory that is not mapped, revoked, or joins two guests outside a group fails alone with its
     * status, and guest-to-guest copies are possible under the access-group rules.
     */
    private static final long LAYER_CAPABILITIES = DmaCapability.HANDLES_ERRORS | DmaCapability.INTER_DOMAIN;

    /** Lifecycle states. */
    public enum State {
        /** Created, not configured. */
        CREATED,
        /** Configured; channels may be set up. */
        CONFIGURED,
        /** Started: the fast path works. */
        STARTED,
        /** Stopped: may be reconfigured or restarted. */
        STOPPED,
        /** Closed for good. */
        CLOSED
    }

    private final DmaDevices owner;
    private final String name;
    private final String engineName;
    private final DmaEngine engine;
    private final EngineInfo engineInfo;
    private final DeviceTables tables;
    private State state = State.CREATED;
    private DmaChannel[] channels = new DmaChannel[0];

    DmaDevice(DmaDevices owner, String name, String engineName, DmaEngine engine) {
        this.owner = owner;
        this.name = name;
        this.engineName = engineName;
        this.engine = engine;
        this.engineInfo = engine.info();
        this.tables = new DeviceTables(name);
    }

    /** @return the device name */
    public String name() {
        return name;
    }

    /** @return the current lifecycle state */
    public synchronized State state() {
        return state;
    }

    /** @return capabilities and limits */
    public synchronized DmaInfo info() {
        EngineInfo e = engineInfo;
        return new DmaInfo(name, engineName, e.capabilities() | LAYER_CAPABILITIES, e.maxChannels(), channels.length,
            e.minRingSize(), e.maxRingSize(), e.maxSges());
    }

    /**
     * Internal hook for the memory registry: lets this device's engine touch a registration (seed 003's
     * device map), before the translation table holds it.
     *
     * @param r the registration
     */
    public void mapMemory(Registration r) {
        engine.map(r);
    }

    /**
     * Internal hook for the memory registry: the engine stops touching a registration that is out of
     * the translation table and has no op in flight.
     *
     * @param r the registration
     */
    public void unmapMemory(Registration r) {
        engine.unmap(r);
    }

    /**
     * Internal hook for the memory registry and access groups: the tables the engine reads.
     *
     * @return this device's tables
     */
    public DeviceTables tables() {
        return tables;
    }

    /**
     * Sets the number of channels (discarding any earlier channel setup).
     *
     * @param config the configuration
     */
    public synchronized void configure(DeviceConfig config) {
        requireState("configure", State.CREATED, State.CONFIGURED, State.STOPPED);
        if (config.channels() < 1 || config.channels() > engineInfo.maxChannels()) {
            throw new DmaException.InvalidArgument("channel count out of range: device=" + name + " channels="
                + config.channels() + " max=" + engineInfo.maxChannels());
        }
        engine.configure(config.channels());
        channels = new DmaChannel[config.channels()];
        state = State.CONFIGURED;
    }

    /**
     * Sets up one channel.
     *
     * @param vchan  channel number
     * @param config its ring size
     */
    public synchronized void setupChannel(int vchan, ChannelConfig config) {
        requireState("setupChannel", State.CONFIGURED, State.STOPPED);
        if (vchan < 0 || vchan >= channels.length) {
            throw new DmaException.InvalidArgument("no such channel: device=" + name + " vchan=" + vchan
                + " channels=" + channels.length);
        }
        int size = config.ringSize();
        if (size < engineInfo.minRingSize() || size > engineInfo.maxRingSize() || Integer.bitCount(size) != 1) {
            throw new DmaException.InvalidArgument("ring size must be a power of two in ["
                + engineInfo.minRingSize() + ", " + engineInfo.maxRingSize() + "]: device=" + name + " vchan="
                + vchan + " ringSize=" + size);
        }
        EngineChannel fastPath = engine.setupChannel(vchan, size);
        channels[vchan] = new DmaChannel(this, vchan, size, fastPath, engine, tables, engineInfo.maxSges(),
            engineInfo.capabilities());
    }

    /** Starts the device: every channel must be set up. */
    public synchronized void start() {
        requireState("start", State.CONFIGURED, State.STOPPED);
        List<DescriptorRing> rings = new ArrayList<>();
        List<ExecutionGate> gates = new ArrayList<>();
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] == null) {
                throw new DmaException.IllegalState("channel not set up: device=" + name + " vchan=" + i);
            }
            rings.add(channels[i].ring());
            gates.add(channels[i].gate());
        }
        engine.start();
        tables.setChannels(rings, gates);
        for (DmaChannel c : channels) {
            c.activate(true);
        }
        state = State.STARTED;
    }

    /** Stops the device after the engine finished every submitted op. */
    public synchronized void stop() {
        requireState("stop", State.STARTED);
        for (DmaChannel c : channels) {
            c.activate(false);
        }
        engine.stop();
        state = State.STOPPED;
    }

    /** Closes the device: it must not be started. Its mappings (unmapped from the engine) and groups are dropped. */
    public synchronized void close() {
        requireState("close", State.CREATED, State.CONFIGURED, State.STOPPED);
        state = State.CLOSED;
        owner.closed(this);
        engine.close();
    }

    /**
     * @param vchan channel number
     * @return the channel (set up)
     */
    public synchronized DmaChannel channel(int vchan) {
        if (vchan < 0 || vchan >= channels.length || channels[vchan] == null) {
            throw new DmaException.InvalidArgument("channel not set up: device=" + name + " vchan=" + vchan);
        }
        return channels[vchan];
    }

    /** @return statistics summed over all channels */
    public synchronized DmaStats stats() {
        List<DmaStats> all = new ArrayList<>();
        for (DmaChannel c : channels) {
            if (c != null) {
                all.add(c.stats());
            }
        }
        return DmaStats.sum(all);
    }

    /** @return a human-readable description of the device, its channels and their statistics */
    public synchronized String dump() {
        DmaInfo info = info();
        StringBuilder sb = new StringBuilder();
        sb.append("dma device ").append(name).append(" engine=").append(engineName).append(" state=").append(state)
            .append('\n').append("  capabilities: ").append(DmaCapability.names(info.capabilities())).append('\n')
            .append("  channels=").append(info.channels()).append(" max=").append(info.maxChannels())
            .append(" ring=[").append(info.minRingSize()).append(", ").append(info.maxRingSize()).append("]\n")
            .append("  ").append(engine.describe()).append('\n')
            .append("  memory runs=").append(tables.memory().size())
            .append(" access pairs=").append(tables.access().pairCount()).append('\n');
        for (DmaChannel c : channels) {
            if (c != null) {
                appendChannel(sb, c);
            }
        }
        return sb.toString();
    }

    private static void appendChannel(StringBuilder sb, DmaChannel c) {
        DmaStats s = c.stats();
        sb.append("  ").append(c.describe()).append('\n').append("    submitted=").append(s.submitted())
            .append(" completed=").append(s.completed()).append(" errors=").append(s.errors()).append('\n');
        for (DmaStats.PairBytes p : s.bytes()) {
            sb.append("    bytes ").append(p.srcHandle()).append(" -> ").append(p.dstHandle()).append(": ")
                .append(p.bytes()).append('\n');
        }
    }

    private void requireState(String op, State... allowed) {
        for (State s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw new DmaException.IllegalState("not allowed in this state: device=" + name + " op=" + op + " state="
            + state);
    }

    @Override
    public String toString() {
        return "DmaDevice[" + name + ", engine=" + engineName + "]";
    }
}
