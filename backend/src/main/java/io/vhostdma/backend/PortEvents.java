package io.vhostdma.backend;

import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.events.EventHub;
import io.vhostdma.vhost.protocol.ProtocolException;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.transport.PortListener;
import java.io.PrintStream;

/** Connects a port's connection events to the data plane and the log. Runs on the port's event loop. */
final class PortEvents implements PortListener {
    private final PortState port;
    private final DataPlaneImpl plane;
    private final PrintStream out;
    private final EventHub events;

    PortEvents(PortState port, DataPlaneImpl plane, PrintStream out, EventHub events) {
        this.port = port;
        this.plane = plane;
        this.out = out;
        this.events = events;
    }

    @Override
    public void connected(String name, VhostDevice device) {
        port.device(device);
        out.println("vhostd: port=" + name + " connected");
        events.publish((seq, t) -> new BackendEvent.PortConnected(seq, t, name));
    }

    @Override
    public void disconnected(String name, VhostDevice device, String reason) {
        if (port.device() == device) {
            port.device(null);
        }
        plane.portDown(port);
        out.println("vhostd: port=" + name + " disconnected reason=" + reason);
        events.publish((seq, t) -> new BackendEvent.PortDisconnected(seq, t, name, reason));
    }

    @Override
    public void refused(String name, String reason) {
        out.println("vhostd: port=" + name + " refused a connection: " + reason);
    }

    @Override
    public void protocolError(String name, ProtocolException error) {
        out.println("vhostd: port=" + name + " connection closed on protocol error kind=" + error.kind()
                + ": " + error.getMessage());
    }

    @Override
    public void connectFailed(String name, String reason, long retryInMillis) {
        // client mode retries quietly; the first failure of a series is enough to log
        if (retryInMillis <= 200) {
            out.println("vhostd: port=" + name + " cannot connect (" + reason + "), retrying");
        }
    }
}
