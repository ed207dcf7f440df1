/**
 * The management model: {@link io.vhostdma.backend.control.Management}, the one facade through which
 * the gRPC service, vhostctl, metrics and the reactive API see and steer a running backend, its
 * snapshot records and {@link io.vhostdma.backend.control.ControlException}. Contract: every view is
 * an immutable snapshot; every live operation is serialised with the others and reaches the data
 * plane only through its workers' command queues (a binding change drains the queue on its old
 * channel before it runs on the new one); nothing here runs on a data-plane worker.
 */
package io.vhostdma.backend.control;
