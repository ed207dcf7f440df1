package io.vhostdma.backend.dma;

import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.config.AccessGroupConfig;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.access.AccessGroups;
import io.vhostdma.dma.memory.DomainId;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access groups of one vhostd: each configured group exists on every DMA device (so any channel
 * may copy between two members), created by its first member and joined by the others with the
 * group's token. A port in a group forwards only within it (its switching segment is 1 + the group's
 * index); ports in no group share the default segment. Forwarding follows the DMA layer: segments are
 * recomputed from its membership whenever it reports an access-group event. Thread-safe (one lock).
 */
public final class AccessControl {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.access");

    private final DataPlaneImpl plane;
    private final AccessGroups access;
    private final List<DmaDevice> devices;
    private final PortDomains domains;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final List<AccessGroupConfig> configured;

    private static final class Group {
        final int segment;
        final String name;
        final UUID token;
        final byte[] secret;
        final Map<DmaDevice, Integer> ids = new LinkedHashMap<>();
        final Set<String> members = new LinkedHashSet<>();
        String creator;

        Group(int segment, String name, String secret) {
            this.segment = segment;
            this.name = name;
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            this.token = tokenOf(secret);
        }
    }

    AccessControl(List<AccessGroupConfig> config, DataPlaneImpl plane, AccessGroups access, List<DmaDevice> devices,
                  PortDomains domains) {
        this.plane = plane;
        this.access = access;
        this.devices = devices;
        this.domains = domains;
        for (int i = 0; i < config.size(); i++) {
            AccessGroupConfig g = config.get(i);
            groups.put(g.name(), new Group(i + 1, g.name(), g.token()));
        }
        this.configured = config;
    }

    /** Joins the configured members on the administrator's behalf and listens for membership events. */
    void start() {
        for (DmaDevice d : devices) {
            access.addListener(d, (dev, event, groupId) -> refresh());
        }
        for (AccessGroupConfig g : configured) {
            for (String member : g.members()) {
                join(member, g.name(), g.token());
            }
        }
        refresh();
    }

    /** The DMA layer's token for a group secret: the secret itself when it is a UUID, else a digest of it. */
    static UUID tokenOf(String secret) {
        try {
            return UUID.fromString(secret);
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes(secret.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Joins {@code port} to {@code group} presenting {@code token}. A wrong token is refused, logged and
     * counted; the port stays where it was.
     *
     * @throws AccessException when refused
     */
    public synchronized void join(String port, String group, String token) {
        Group g = groups.get(group);
        if (g == null) {
            throw new AccessException(AccessException.Reason.UNKNOWN_GROUP, "no such access group: group=" + group);
        }
        DomainId domain = domains.of(port);
        if (domain == null) {
            throw new AccessException(AccessException.Reason.UNKNOWN_PORT, "no such port: port=" + port);
        }
        checkToken(g, port, token, "join");
        String current = groupOf(port);
        if (current != null) {
            throw new AccessException(AccessException.Reason.ALREADY_MEMBER,
                    "port is already a member of an access group: port=" + port + " group=" + current);
        }
        for (DmaDevice d : devices) {
            Integer id = g.ids.get(d);
            if (id == null) {
                g.ids.put(d, access.create(d, domain, g.token));
            } else {
                access.join(d, id, domain, g.token, null);
            }
        }
        if (g.creator == null) {
            g.creator = port;
        }
        g.members.add(port);
        LOG.log(Level.INFO, "access-group joined: port=" + port + " group=" + group);
        if (devices.isEmpty()) {
            refresh(); // no DMA layer to report the change
        }
    }

    /** Refuses (logged, counted) unless {@code token} is the group's secret; compared in constant time. */
    private void checkToken(Group g, String port, String token, String what) {
        if (token == null || !MessageDigest.isEqual(g.secret, token.getBytes(StandardCharsets.UTF_8))) {
            refused.incrementAndGet();
            LOG.log(Level.WARNING, "access-group " + what + " refused: port=" + port + " group=" + g.name
                    + " reason=wrong token");
            throw new AccessException(AccessException.Reason.WRONG_TOKEN,
                    "wrong token: port=" + port + " group=" + g.name);
        }
    }

    /**
     * Removes {@code port} from {@code group} presenting {@code token}; a null token skips the check
     * (vhostd itself removing the port). The creator (the first member) leaves last: its leave destroys
     * the group on the DMA devices.
     *
     * @throws AccessException when refused (WRONG_TOKEN is logged and counted)
     */
    public synchronized void leave(String port, String group, String token) {
        Group g = groups.get(group);
        if (g == null) {
            throw new AccessException(AccessException.Reason.UNKNOWN_GROUP, "no such access group: group=" + group);
        }
        if (token != null) {
            checkToken(g, port, token, "leave");
        }
        if (!g.members.contains(port)) {
            throw new AccessException(AccessException.Reason.NOT_MEMBER,
                    "port is not a member: port=" + port + " group=" + group);
        }
        boolean creator = port.equals(g.creator);
        if (creator && g.members.size() > 1) {
            throw new AccessException(AccessException.Reason.CREATOR_BUSY, "the group's creator leaves last: port="
                    + port + " group=" + group + " members=" + g.members.size());
        }
        DomainId domain = domains.of(port);
        for (DmaDevice d : devices) {
            int id = g.ids.get(d);
            try {
                if (creator) {
                    access.destroy(d, id, domain);
                } else {
                    access.leave(d, id, domain);
                }
            } catch (DmaException e) {
                LOG.log(Level.WARNING, "access-group leave failed: port=" + port + " group=" + group
                        + " device=" + d.name() + " error=" + e.getMessage());
            }
        }
        if (creator) {
            g.ids.clear();
            g.creator = null;
        }
        g.members.remove(port);
        LOG.log(Level.INFO, "access-group left: port=" + port + " group=" + group);
        if (devices.isEmpty()) {
            refresh();
        }
    }

    /**
     * Creates an access group live, on every DMA device, with {@code creator} as its first member (the
     * creator needs no token check: it sets the token).
     *
     * @throws AccessException GROUP_EXISTS for a taken name; as {@link #join} for the creator
     */
    public synchronized void create(String group, String token, String creator) {
        if (groups.containsKey(group)) {
            throw new AccessException(AccessException.Reason.GROUP_EXISTS, "access group exists: group=" + group);
        }
        if (domains.of(creator) == null) {
            throw new AccessException(AccessException.Reason.UNKNOWN_PORT, "no such port: port=" + creator);
        }
        String current = groupOf(creator);
        if (current != null) {
            throw new AccessException(AccessException.Reason.ALREADY_MEMBER,
                    "port is already a member of an access group: port=" + creator + " group=" + current);
        }
        int segment = 1;
        for (Group g : groups.values()) {
            segment = Math.max(segment, g.segment + 1);
        }
        groups.put(group, new Group(segment, group, token));
        join(creator, group, token);
    }

    /** The member that created {@code group} on the devices, or null. */
    public synchronized String creator(String group) {
        Group g = groups.get(group);
        return g == null ? null : g.creator;
    }

    /** Whether {@code group} exists. */
    public synchronized boolean exists(String group) {
        return groups.containsKey(group);
    }

    /** Recomputes every port's switching segment from the DMA layer's membership. */
    synchronized void refresh() {
        Map<String, Integer> segment = new LinkedHashMap<>();
        for (Group g : groups.values()) {
            if (devices.isEmpty()) {
                for (String m : g.members) {
                    segment.put(m, g.segment);
                }
                continue;
            }
            DmaDevice first = devices.get(0);
            Integer id = g.ids.get(first);
            if (id == null) {
                continue;
            }
            for (DomainId m : access.members(first, id)) {
                String port = domains.portOf(m.handle());
                if (port != null) {
                    segment.put(port, g.segment);
                }
            }
        }
        for (PortState p : plane.ports()) {
            if (p != null) {
                plane.moveToSegment(p, segment.getOrDefault(p.name(), PortState.DEFAULT_SEGMENT));
            }
        }
    }

    /** The group {@code port} is a member of, or null. */
    public synchronized String groupOf(String port) {
        for (Group g : groups.values()) {
            if (g.members.contains(port)) {
                return g.name;
            }
        }
        return null;
    }

    /** Group names, in config order. */
    public synchronized List<String> groups() {
        return List.copyOf(groups.keySet());
    }

    /** Members of {@code group}, in join order. */
    public synchronized List<String> members(String group) {
        Group g = groups.get(group);
        return g == null ? List.of() : new ArrayList<>(g.members);
    }

    /** Joins and leaves refused for a wrong token since start. */
    public long refusedJoins() {
        return refused.get();
    }
}
