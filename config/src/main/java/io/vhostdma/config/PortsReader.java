package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code ports} section: a non-empty list of ports with unique names and unique sockets. */
final class PortsReader {

    static final List<String> KEYS = List.of("name", "socket", "mode", "queue-pairs", "socket-mode",
            "socket-group", "mac-limit", "allowed-macs");
    static final int MAX_QUEUE_PAIRS = 128;

    private final ConfigPath listPath;
    private final Problems problems;
    private final Map<String, Integer> names = new HashMap<>();
    private final Map<Path, Integer> sockets = new HashMap<>();

    private PortsReader(ConfigPath listPath, Problems problems) {
        this.listPath = listPath;
        this.problems = problems;
    }

    /** The ports, or {@code null} when any problem was recorded. {@code node} is null when absent. */
    static List<PortConfig> read(JsonNode node, ConfigPath path, Problems problems) {
        if (node == null) {
            problems.add(path, "is required (at least one port)");
            return null;
        }
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        if (node.isEmpty()) {
            problems.add(path, "at least one port is required");
            return null;
        }
        int before = problems.count();
        PortsReader reader = new PortsReader(path, problems);
        List<PortConfig> ports = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            PortConfig port = reader.readPort(node.get(i), i);
            if (port != null) {
                ports.add(port);
            }
        }
        return problems.count() == before ? ports : null;
    }

    private <K> void checkUnique(Map<K, Integer> seen, K key, int index, ConfigPath at, String what) {
        Names.checkUnique(seen, key, index, listPath, at, what, problems);
    }

    /** One port, or {@code null} when any of its fields is invalid (all of them are reported). */
    private PortConfig readPort(JsonNode node, int index) {
        ConfigPath path = listPath.index(index);
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        Mapping port = Mapping.of(node, path, problems, KEYS);
        String name = Names.readName(port, problems);
        if (name != null) {
            checkUnique(names, name, index, port.path("name"), "name");
        }
        Path socket = readSocket(port);
        if (socket != null) {
            checkUnique(sockets, socket.normalize(), index, port.path("socket"), "socket");
        }
        PortMode mode = port.has("mode")
                ? Nodes.oneOf(port.get("mode"), port.path("mode"), problems, PortMode.class)
                : PortMode.SERVER;
        Integer queuePairs = port.has("queue-pairs")
                ? Nodes.intInRange(port.get("queue-pairs"), port.path("queue-pairs"), problems, 1, MAX_QUEUE_PAIRS)
                : Integer.valueOf(PortConfig.DEFAULT_QUEUE_PAIRS);
        Integer socketMode = port.has("socket-mode")
                ? SocketModes.read(port.get("socket-mode"), port.path("socket-mode"), PortConfig.MAX_SOCKET_MODE, problems)
                : Integer.valueOf(PortConfig.DEFAULT_SOCKET_MODE);
        String socketGroup = port.has("socket-group")
                ? SocketGroups.read(port.get("socket-group"), port.path("socket-group"), socketMode, problems)
                : null;
        Integer macLimit = port.has("mac-limit")
                ? Nodes.intInRange(port.get("mac-limit"), port.path("mac-limit"), problems, 1, PortConfig.MAX_MAC_LIMIT)
                : Integer.valueOf(PortConfig.DEFAULT_MAC_LIMIT);
        List<String> allowedMacs = port.has("allowed-macs")
                ? readAllowedMacs(port.get("allowed-macs"), port.path("allowed-macs"))
                : List.of();
        if (problems.count() != before) {
            return null;
        }
        return new PortConfig(name, socket, mode, queuePairs, socketMode, socketGroup, macLimit, allowedMacs);
    }

    /** {@code allowed-macs}: unicast MACs, no repeats, in canonical form; {@code null} after a problem. */
    private List<String> readAllowedMacs(JsonNode node, ConfigPath path) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        List<String> macs = new ArrayList<>();
        Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            ConfigPath at = path.index(i);
            String text = Nodes.string(node.get(i), at, problems);
            if (text == null) {
                continue;
            }
            long mac = MacAddresses.parse(text);
            if (mac < 0) {
                problems.add(at, Nodes.quote(text) + " is not a MAC address (aa:bb:cc:dd:ee:ff)");
            } else if (MacAddresses.isGroup(mac) || mac == 0) {
                problems.add(at, Nodes.quote(text) + " is not a unicast address (a guest sends from its own MAC)");
            } else if (seen.putIfAbsent(mac, i) != null) {
                problems.add(at, "duplicate MAC " + MacAddresses.format(mac) + " (also " + path.index(seen.get(mac)) + ")");
            } else {
                macs.add(MacAddresses.format(mac));
            }
        }
        return problems.count() == before ? macs : null;
    }

    private Path readSocket(Mapping port) {
        ConfigPath path = port.path("socket");
        if (!port.has("socket")) {
            problems.add(path, "is required");
            return null;
        }
        String text = Nodes.string(port.get("socket"), path, problems);
        return text == null ? null : SocketPaths.check(text, path, problems);
    }
}
