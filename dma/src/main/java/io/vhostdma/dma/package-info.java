/**
 * The DMA layer: a dmadev-shaped, asynchronous copy-engine API, modelled in software.
 *
 * <h2>Overview</h2>
 * <pre>
 *   DmaDevices ──┬── DmaDevice "dma0" (engine cpu|sw|SPI) ── DmaChannel 0..n-1 (descriptor rings)
 *                ├── Domains          (UUID → 16-bit handle; host = handle 0)
 *                ├── MemoryRegistry   (register / registerDmabuf / map / unmap / revoke / unregister)
 *                └── AccessGroups     (create / join / leave / destroy / handles, events)
 *
 *   user thread: copy() copy() fill() submit() ......... completed() / completedStatus()
 *                   │      │      │       │ doorbell              ▲ in order, per-op status
 *                   ▼      ▼      ▼       │                       │ (refused ops merged in order)
 *   layer:       [ translate IOVA via MemoryTable → check revoked → check domains ] ── refused: status
 *                   │ translated op (segment + offset, IOVA)
 *                   ▼
 *   engine (SPI): cpu (at submit, caller's thread) | sw (engine thread) | dpdk (a dmadev over FFM, module dma-dpdk)
 * </pre>
 * The package has no system calls and no restricted methods: memory is registered as
 * {@link java.lang.foreign.MemorySegment}s (the caller maps it); the software engines copy through
 * those segments, a native engine hands the IOVAs to its device. A segment whose arena the owner closed
 * makes a software engine's op fail with {@link io.vhostdma.dma.DmaStatus#BUS_ERROR} instead of crashing
 * the JVM (a native engine is handed only memory that cannot vanish:
 * {@link io.vhostdma.dma.DmaCapability#NATIVE_ACCESS}).
 *
 * <h2>Lifecycle</h2>
 * <ol>
 * <li>{@code DmaDevice d = devices.create("dma0", "sw", EngineOptions.defaults())} (engines come from
 *     {@link java.util.ServiceLoader}, see {@link io.vhostdma.dma.spi}).</li>
 * <li>{@code d.info()} — capabilities ({@link io.vhostdma.dma.DmaCapability}), channel and ring limits (the
 *     engine's: a dmadev reports its own).</li>
 * <li>{@code d.configure(new DeviceConfig(channels))}.</li>
 * <li>{@code d.setupChannel(vchan, new ChannelConfig(ringSize))} for every channel (ring size: a power of
 *     two, 16..65536).</li>
 * <li>{@code d.start()} — the fast path works from now on; before, it returns {@code -ENODEV}.</li>
 * <li>{@code d.stop()} — returns once the engine finished every submitted op. Then configure again,
 *     start again, or {@code d.close()} (a started device cannot be closed).</li>
 * </ol>
 * Out-of-order calls throw {@link io.vhostdma.dma.DmaException.IllegalState}; bad arguments
 * {@link io.vhostdma.dma.DmaException.InvalidArgument}. Messages carry {@code name=value} context.
 *
 * <h2>The ring-index contract</h2>
 * Every enqueue ({@code copy}, {@code copySg}, {@code fill}) returns the op's <em>ring index</em>, a
 * 16-bit counter (0..65535, then 0 again) that counts all ops ever enqueued on the channel, or a negative
 * code: {@code -ENOSPC} when {@code ringSize} ops are outstanding (enqueued but not yet reaped by a
 * completion call), {@code -EINVAL} for a bad length or scatter-gather list, {@code -ENODEV} when the
 * device is not started, {@code -ENOTSUP} for an op outside the capabilities. A refused op takes no
 * index. Ops become visible to the engine only at {@code submit()} (or with {@link io.vhostdma.dma.OpFlags#SUBMIT});
 * they execute and complete strictly in index order. {@code completed(max, info)} reaps successful ops
 * and stops before the first failed one, setting {@code info.hasError}; the failed op stays at the head
 * (further {@code completed} calls return 0 with {@code hasError} set) until
 * {@code completedStatus(max, statuses, info)} reaps it with its status. Both report in
 * {@code info.lastIndex} the ring index of the last op reaped (65535 before the first).
 * {@code burstCapacity()} is ring size minus outstanding ops (or less, when the engine's own ring has less
 * room: a DPDK ring keeps one slot free). An op the layer refuses (address, revocation, access) takes its
 * index and a ring slot but never reaches the engine. Example, ring size 16, fresh channel:
 * <pre>
 *   copy(a, b, 64, 0)              → 0
 *   copy(c, d, 64, 0)              → 1
 *   copy(BAD, e, 64, 0)            → 2      (BAD: not registered)
 *   copy(f, g, 64, SUBMIT)         → 3      (submits 0..3)
 *   completed(16, info)            → 2,  info.lastIndex = 1, info.hasError = true
 *   completed(16, info)            → 0,  info.lastIndex = 1, info.hasError = true
 *   completedStatus(16, st, info)  → 2,  st = {INVALID_SRC_ADDR, SUCCESS}, lastIndex = 3, hasError = true
 *   burstCapacity()                → 16
 *   ... after 65536 ops in total, the next copy returns 0 again.
 * </pre>
 * With the {@code sw} and {@code dpdk} engines the first {@code completed} may return fewer (down to 0)
 * while ops are still executing; with {@code cpu} the ops run as one batch inside {@code submit()} (on the
 * caller's thread) and are reported at the first poll after it. A channel is driven by one thread at a time.
 *
 * <h2>When the {@code cpu} engine moves bytes (changed on purpose)</h2>
 * Until the data-plane redesign the {@code cpu} engine copied inside each enqueue call. It now only
 * describes each op there and executes every op submitted so far inside {@code submit()} (or a
 * {@link io.vhostdma.dma.OpFlags#SUBMIT} enqueue), in order, as one batch: the per-op dispatch, the
 * fault-injection test and the exception region are paid once per run of copies between the same two
 * segments, with those segments as loop invariants. For a caller this means: no destination byte changes
 * before {@code submit()} (as with every other engine); the ops are checked at enqueue and execute at the
 * submit against the same tables, because the channel's execution gate stays closed from the first
 * check to the end of that submit — a completion poll does not end the batch while checked ops wait for
 * their submit, so {@code unmap}/{@code unregister} wait for (or time out on) a caller that never submits.
 *
 * <h2>Status codes</h2>
 * {@link io.vhostdma.dma.DmaStatus}: {@code SUCCESS}; {@code INVALID_SRC_ADDR}/{@code INVALID_DST_ADDR}
 * (range not inside one IOVA run of memory registered <em>and mapped</em> to this device);
 * {@code REVOKED} (the memory's domain was revoked); {@code ACCESS_DENIED} (domain rules, below);
 * {@code BUS_ERROR} (the memory vanished while copying, or an injected test error);
 * {@code INVALID_LENGTH}, {@code USER_ABORT}, {@code NOT_ATTEMPTED}, {@code ERROR_UNKNOWN} (reserved).
 * Any failed op moved no byte (except a {@code BUS_ERROR} raised mid-copy).
 *
 * <h2>Domains</h2>
 * A domain is a guest (or the host: vhostd's own buffers) with a UUID and a 16-bit handle
 * ({@link io.vhostdma.dma.memory.DomainId}; the host is handle 0). Rules per op: handles carried in the
 * flags ({@link io.vhostdma.dma.OpFlags}, upper 32 bits) must name the domains that really own the source
 * and destination memory; host↔guest and same-guest copies need only registration; guest↔guest copies
 * must carry both handles and need both guests in one access group on this device. Otherwise:
 * {@code ACCESS_DENIED}. One channel can therefore serve copies to several destinations.
 *
 * <h2>Memory registry</h2>
 * {@link io.vhostdma.dma.memory.MemoryRegistry}: {@code register(domain, segment, iovas|null, pageSize)}
 * and {@code registerDmabuf(domain, segment, fd, offset, iovas|null, pageSize)}. IOVAs are the virtual
 * addresses of the registered memory (IOVA-as-VA) unless per-page IOVAs are given. Validation:
 * native, page-aligned segment, length a multiple of a power-of-two page size, one IOVA per page, known
 * domain ({@code EINVAL}); no VA or IOVA overlap with an existing registration ({@code EEXIST}). A
 * device may touch only what is {@code map}ped to it. {@code revoke(domain)} returns once no new op is
 * passing the layer's checks on that domain's memory any more (ops already handed to an engine finish
 * normally: a device cannot take them back). {@code unmap}/{@code unregister} take the memory out of the
 * translation tables, then wait until no op touching it is in flight (handed to an engine that runs
 * ops after the enqueue call, and not yet reaped), and only then tell the engine ({@code EBUSY}, nothing changed, after a drain timeout). Engines learn of
 * memory as seed 003 describes: each registration goes to the engine providers' runtimes
 * ({@code register}: VA, length, page size, IOVAs, dmabuf fd and offset), each map/unmap to the device's
 * engine. The dmabuf fd stays the caller's:
 * the registry records it with its offset, hands both back ({@code lookup(va)}) and never closes it.
 * Every change publishes a new immutable {@link io.vhostdma.dma.memory.MemoryTable} per device; the fast
 * path translates against it (last-hit run first, then binary search) without allocating.
 *
 * <h2>Access groups</h2>
 * {@link io.vhostdma.dma.access.AccessGroups}, per device: {@code create(device, domain, token)} returns a
 * 16-bit group id, the creator being its first member; {@code join(device, group, domain, token,
 * onLeave)} (a wrong token is refused with {@code EPERM} and counted); {@code leave} (not the creator);
 * {@code destroy} (the creator only, once it is the last member: otherwise {@code EPERM} / {@code EBUSY});
 * {@code handles(device, group, src, dst)} for the op flags. Events: the remaining members' {@code onLeave}
 * on a leave; device listeners get {@code TABLE_UPDATED} (join/leave/create) and {@code GROUP_DESTROYED}.
 * When a control call returns, the engine reads the new access table (it was quiesced).
 *
 * <h2>Statistics</h2>
 * Per channel, readable from any thread: submitted, completed (reaped), errors (failed ops reaped),
 * bytes per source→destination domain-handle pair, and the engine's own counters (a dmadev's
 * statistics); {@link io.vhostdma.dma.DmaDevice#dump()} prints them. Bytes are counted when an op is
 * handed to the engine (summed while consecutive ops share a domain pair, added to the counters at the
 * next {@code submit()} or completion poll) and taken back when the op is reaped as failed: once a
 * completion call returned, they are exact for every op reaped, and may include ops still in flight.
 *
 * <h2>Quiescence</h2>
 * Control calls that change tables wait until no op can still be checked against the old table. The
 * checks run on the channel's user thread, in batches: a batch reads the translation and access tables
 * once at its first enqueue and lasts until the next {@code submit()} or completion poll; the next batch
 * reads the new ones. A channel left with unsubmitted ops makes such control calls fail with
 * {@code EBUSY} after 5 s.
 */
package io.vhostdma.dma;
