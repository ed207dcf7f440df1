package io.vhostdma.dma.access;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Domains;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Access groups (the Class A pair-group shape): which guest domains a device may copy between.
 *
 * <p>Rules: a group lives on one device and has a creator and a token. The creator is a member from
 * {@link #create} on. Others {@link #join} with the same token (a wrong token is refused with
 * {@code EPERM} and counted in {@link #refusedJoins}). Members {@link #leave}; the creator cannot leave,
 * it {@link #destroy}s the group, and only once it is the last member. The host domain never joins: host
 * memory may meet any registered guest memory without a group. After every change the device's access
 * table is republished and the engine quiesced, so no copy allowed only by the old table starts after
 * the call returns; then the remaining members' {@link LeaveListener}s and the device's
 * {@link AccessEventListener}s run on the caller's thread. All methods are thread-safe.
 */
public final class AccessGroups {
    private static final System.Logger LOG = System.getLogger(AccessGroups.class.getName());
    private static final int MAX_GROUPS = 0x10000;
    private final Domains domains;
    private final Map<DmaDevice, DeviceGroups> byDevice = new HashMap<>();

    /** @param domains the domain table handles are drawn from */
    public AccessGroups(Domains domains) {
        this.domains = domains;
    }

    /** Per-device state. */
    private static final class DeviceGroups {
        final Map<Integer, Group> groups = new HashMap<>();
        final List<AccessEventListener> listeners = new CopyOnWriteArrayList<>();
        int nextId;
        long refusedJoins;
    }

    /** One group. */
    private record Group(int id, DomainId creator, UUID token, Map<DomainId, LeaveListener> members) {
    }

    /** Creates a group; see {@link #create(DmaDevice, DomainId, UUID, LeaveListener)}. */
    public int create(DmaDevice device, DomainId creator, UUID token) {
        return create(device, creator, token, null);
    }

    /**
     * Creates a group with the creator as its first member.
     *
     * @param device  the device
     * @param creator the creating guest domain
     * @param token   the group's secret
     * @param onLeave told when another member leaves (may be null)
     * @return the 16-bit group id
     */
    public int create(DmaDevice device, DomainId creator, UUID token, LeaveListener onLeave) {
        requireGuest(creator, "create");
        if (token == null) {
            throw new DmaException.InvalidArgument("token is null: device=" + device.name());
        }
        int id;
        synchronized (this) {
            DeviceGroups dg = state(device);
            id = freeId(dg, device);
            Map<DomainId, LeaveListener> members = new HashMap<>();
            members.put(creator, onLeave);
            dg.groups.put(id, new Group(id, creator, token, members));
            republish(device, dg);
        }
        fire(device, AccessEvent.TABLE_UPDATED, id);
        return id;
    }

    /**
     * Joins a group.
     *
     * @param device  the device
     * @param groupId the group
     * @param domain  the joining guest domain
     * @param token   must equal the group's token
     * @param onLeave told when another member leaves (may be null)
     */
    public void join(DmaDevice device, int groupId, DomainId domain, UUID token, LeaveListener onLeave) {
        requireGuest(domain, "join");
        synchronized (this) {
            DeviceGroups dg = state(device);
            Group g = group(dg, device, groupId);
            if (!g.token.equals(token)) {
                dg.refusedJoins++;
                throw new DmaException.PermissionDenied("wrong token: device=" + device.name() + " group="
                    + groupId + " domain=" + domain);
            }
            if (g.members.containsKey(domain)) {
                throw new DmaException.AlreadyExists("already a member: device=" + device.name() + " group="
                    + groupId + " domain=" + domain);
            }
            g.members.put(domain, onLeave);
            republish(device, dg);
        }
        fire(device, AccessEvent.TABLE_UPDATED, groupId);
    }

    /**
     * Leaves a group; the remaining members' leave listeners are told.
     *
     * @param device  the device
     * @param groupId the group
     * @param domain  the leaving member (not the creator)
     */
    public void leave(DmaDevice device, int groupId, DomainId domain) {
        List<LeaveListener> remaining = new ArrayList<>();
        synchronized (this) {
            DeviceGroups dg = state(device);
            Group g = group(dg, device, groupId);
            requireMember(g, device, domain);
            if (g.creator.equals(domain)) {
                throw new DmaException.Busy("the creator cannot leave, it destroys the group: device="
                    + device.name() + " group=" + groupId + " domain=" + domain);
            }
            g.members.remove(domain);
            for (LeaveListener l : g.members.values()) {
                if (l != null) {
                    remaining.add(l);
                }
            }
            republish(device, dg);
        }
        for (LeaveListener l : remaining) {
            notifyLeave(l, groupId, domain);
        }
        fire(device, AccessEvent.TABLE_UPDATED, groupId);
    }

    /**
     * Destroys a group: only its creator, once it is the last member.
     *
     * @param device  the device
     * @param groupId the group
     * @param caller  the domain asking
     */
    public void destroy(DmaDevice device, int groupId, DomainId caller) {
        synchronized (this) {
            DeviceGroups dg = state(device);
            Group g = group(dg, device, groupId);
            if (!g.creator.equals(caller)) {
                throw new DmaException.PermissionDenied("only the creator destroys: device=" + device.name()
                    + " group=" + groupId + " caller=" + caller);
            }
            if (g.members.size() > 1) {
                throw new DmaException.Busy("members remain: device=" + device.name() + " group=" + groupId
                    + " members=" + g.members.size());
            }
            dg.groups.remove(groupId);
            republish(device, dg);
        }
        fire(device, AccessEvent.GROUP_DESTROYED, groupId);
    }

    /**
     * Returns the handles to put in the flags of ops from {@code src} to {@code dst}.
     *
     * @param device  the device
     * @param groupId a group both are members of
     * @param src     source domain
     * @param dst     destination domain
     * @return the handles
     */
    public synchronized HandlePair handles(DmaDevice device, int groupId, DomainId src, DomainId dst) {
        Group g = group(state(device), device, groupId);
        requireMember(g, device, src);
        requireMember(g, device, dst);
        return new HandlePair(src.handle(), dst.handle());
    }

    /**
     * @param device  the device
     * @param groupId the group
     * @return its members
     */
    public synchronized List<DomainId> members(DmaDevice device, int groupId) {
        return List.copyOf(group(state(device), device, groupId).members.keySet());
    }

    /** @param device the device @return ids of its groups */
    public synchronized List<Integer> groupIds(DmaDevice device) {
        return List.copyOf(state(device).groups.keySet());
    }

    /** @param device the device @return joins refused for a wrong token */
    public synchronized long refusedJoins(DmaDevice device) {
        return state(device).refusedJoins;
    }

    /** @param device the device @param listener receives its events */
    public synchronized void addListener(DmaDevice device, AccessEventListener listener) {
        state(device).listeners.add(listener);
    }

    /** @param device the device @param listener to remove */
    public synchronized void removeListener(DmaDevice device, AccessEventListener listener) {
        state(device).listeners.remove(listener);
    }

    /** Drops every group of a closed device (no events). @param device the device */
    public synchronized void forget(DmaDevice device) {
        byDevice.remove(device);
    }

    private DeviceGroups state(DmaDevice device) {
        if (!device.info().has(DmaCapability.INTER_DOMAIN)) {
            throw new DmaException.NotSupported("no inter-domain capability: device=" + device.name());
        }
        return byDevice.computeIfAbsent(device, d -> new DeviceGroups());
    }

    private static int freeId(DeviceGroups dg, DmaDevice device) {
        for (int i = 0; i < MAX_GROUPS; i++) {
            int id = (dg.nextId + i) & 0xFFFF;
            if (!dg.groups.containsKey(id)) {
                dg.nextId = id + 1;
                return id;
            }
        }
        throw new DmaException.Busy("no free group id: device=" + device.name());
    }

    private static Group group(DeviceGroups dg, DmaDevice device, int groupId) {
        Group g = dg.groups.get(groupId);
        if (g == null) {
            throw new DmaException.NotFound("no such group: device=" + device.name() + " group=" + groupId);
        }
        return g;
    }

    private static void requireMember(Group g, DmaDevice device, DomainId domain) {
        if (!g.members.containsKey(domain)) {
            throw new DmaException.NotFound("not a member: device=" + device.name() + " group=" + g.id
                + " domain=" + domain);
        }
    }

    private void requireGuest(DomainId domain, String op) {
        if (domain == null || domain.isHost() || !domains.isKnown(domain)) {
            throw new DmaException.InvalidArgument("not a known guest domain: op=" + op + " domain=" + domain);
        }
    }

    private static void republish(DmaDevice device, DeviceGroups dg) {
        List<int[]> sets = new ArrayList<>();
        for (Group g : dg.groups.values()) {
            sets.add(g.members.keySet().stream().mapToInt(DomainId::handle).toArray());
        }
        device.tables().publishAccess(AccessTable.of(sets));
    }

    private void fire(DmaDevice device, AccessEvent event, int groupId) {
        List<AccessEventListener> ls;
        synchronized (this) {
            DeviceGroups dg = byDevice.get(device);
            ls = dg == null ? List.of() : List.copyOf(dg.listeners);
        }
        for (AccessEventListener l : ls) {
            try {
                l.onEvent(device, event, groupId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "access event listener failed: device=" + device.name()
                    + " event=" + event + " group=" + groupId, e);
            }
        }
    }

    private static void notifyLeave(LeaveListener l, int groupId, DomainId left) {
        try {
            l.onLeave(groupId, left);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "leave listener failed: group=" + groupId + " left=" + left, e);
        }
    }
}
