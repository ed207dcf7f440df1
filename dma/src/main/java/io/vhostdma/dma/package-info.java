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
 *                   ▼      ▼      ▼       ▼                       │
 *   engine:      [ translate IOVA via MemoryTable → check revoked → check domains → move bytes ]
 * </pre>
 * The package has no system calls and no restricted methods: memory is registered as
 * {@link java.lang.foreign.MemorySegment}s (the caller maps it) and engines copy through those segments.
 * A segment whose arena the owner closed makes the op fail with {@link io.vhostdma.dma.DmaStatus#BUS_ERROR}
 * instead of crashing the JVM.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 * <li>{@code DmaDevice d = devices.create("dma0", "sw", EngineOptions.defaults())} (engines come from
 *     {@link java.util.ServiceLoader}, see {@link io.vhostdma.dma.spi}).</li>
 * <li>{@code d.info()} — capabilities ({@link io.vhostdma.dma.DmaCapability}), channel and ring limits.</li>
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
 * {@code burstCapacity()} is ring size minus outstanding ops. Example, ring size 16, fresh channel:
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
 * With the {@code sw} engine the first {@code completed} may return fewer (down to 0) while ops are still
 * executing; with {@code cpu} the op ran inside {@code copy()} and is reported at the first poll after
 * {@code submit()}. A channel is driven by one thread at a time.
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
 * device may touch only what is {@code map}ped to it. {@code unmap}/{@code unregister} are refused with
 * {@code EBUSY} while an unfinished op touches the range. {@code revoke(domain)} returns once no engine is
 * copying into or out of that domain's memory, and none will start to. The dmabuf fd stays the caller's:
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
 * Per channel, readable from any thread: submitted, completed (reaped), errors (failed ops reaped) and
 * bytes per source→destination domain-handle pair; {@link io.vhostdma.dma.DmaDevice#dump()} prints them.
 * The engine accumulates bytes while consecutive ops share a domain pair and adds them to the counters
 * when the pair changes and at the end of every batch, so the byte counts are exact for every op reaped
 * once a completion call returned, and with {@code cpu} for every op submitted once {@code submit()}
 * returned (ops enqueued but not submitted yet may be missing).
 *
 * <h2>Quiescence and the {@code cpu} engine</h2>
 * Control calls that change tables wait until no op that may have read the old table is executing. An
 * executing batch (a {@code sw} engine batch, or a {@code cpu} window as below) reads the translation
 * and access tables once when it starts and checks each of its ops against them; the next batch reads
 * the new ones. The {@code cpu} engine's "executing" window on a channel lasts from its first enqueue to the next
 * {@code submit()} or completion poll; a channel left with unsubmitted ops makes such control calls fail
 * with {@code EBUSY} after 5 s.
 */
package io.vhostdma.dma;
