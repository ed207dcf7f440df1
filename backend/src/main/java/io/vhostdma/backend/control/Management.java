package io.vhostdma.backend.control;

import io.vhostdma.backend.events.EventHub;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.VhostdConfig;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What an operator or an embedding program can see and steer in a running backend; the gRPC service,
 * vhostctl and the reactive API are views of it. Reads are snapshots (each counter read whole with an
 * opaque read; a view is not atomic across counters). Every failure is a {@link ControlException} whose code says what
 * kind of mistake it was and whose message names the thing ({@code port=vm9}); operations returning a
 * stage fail the stage with it. Queue names are the guest's view ({@code rxq0}, {@code txq0}), a
 * channel is {@code device/index}.
 */
public interface Management {
    /** Version, uptime, workers, engines. */
    StatusView status();

    /**
     * The configuration as it runs now: the started one with the ports, bindings and access groups
     * (tokens included) that live changes made since. A back end that does not track it says so.
     */
    default VhostdConfig runningConfig() {
        throw new ControlException(ControlException.Code.UNAVAILABLE, "this back end does not track its configuration");
    }

    /** Every port, in the order they were added. */
    List<PortView> ports();

    /** One port; NOT_FOUND when there is none of that name. */
    PortView port(String name);

    /** Every queue of {@code port}, or of every port when {@code port} is null. */
    List<QueueView> queues(String port);

    /** DMA devices with their channels and what each channel is bound to. */
    List<DeviceView> devices();

    /** Access groups with their members. */
    List<GroupView> groups();

    /**
     * Binds a queue to {@code channel} ({@code dev/ch}), or moves it there from its current channel,
     * without disconnecting the guest: a started queue stops taking work, its copies drain, then it
     * restarts on the new channel where it left off. Completes once the queue runs on the new channel
     * (or, when it is not started, once the binding is recorded for its next start). NOT_FOUND for an
     * unknown port, queue, device or channel; ALREADY_EXISTS when another queue holds the channel.
     */
    CompletionStage<QueueView> bind(String port, String queue, String channel);

    /** Returns a queue to CPU copies, draining as {@link #bind} does; a queue with no binding is left as is. */
    CompletionStage<QueueView> unbind(String port, String queue);

    /**
     * Adds a port live: validated as the config file's {@code ports} entries are (INVALID_ARGUMENT with
     * {@code path: message} text), ALREADY_EXISTS for a taken name or socket; completes when it serves.
     */
    CompletionStage<PortView> addPort(PortConfig port);

    /**
     * Removes a port live: leaves its group, disconnects its front end (rings drain, memory unmapped),
     * closes its socket and releases its channels' bindings. NOT_FOUND for an unknown port.
     */
    CompletionStage<Void> removePort(String name);

    /**
     * Creates an access group on every DMA device with {@code creator} as its first member.
     * ALREADY_EXISTS for a taken name, FAILED_PRECONDITION when the port is in another group.
     */
    GroupView createGroup(String group, String token, String creator);

    /** Joins a port to a group; PERMISSION_DENIED for a wrong token (logged, counted, port stays out). */
    GroupView join(String port, String group, String token);

    /**
     * Takes a port out of a group presenting the group's token (the creator leaves last, which
     * destroys the group); PERMISSION_DENIED for a wrong token (logged, counted, port stays in).
     */
    GroupView leave(String port, String group, String token);

    /**
     * Starts mirroring a port's frames ({@code vhostctl capture}): {@code queue} is {@code ""} (every queue),
     * {@code N} (rxqN and txqN) or one queue's name. It reveals a tenant's traffic: operator only. NOT_FOUND for an
     * unknown port or queue, INVALID_ARGUMENT for a bad selector, ALREADY_EXISTS while the port is captured.
     */
    default CaptureSession capture(String port, String queue) {
        throw new ControlException(ControlException.Code.UNAVAILABLE, "this back end cannot capture: port=" + port);
    }

    /** The backend's events. */
    EventHub events();

    /** Management calls refused by the endpoint they arrived on, by RPC (the gRPC layer counts them here). */
    RpcRefusals refusals();
}
