package io.vhostdma.backend.control;

import java.util.ArrayList;
import java.util.List;

/** The virtio (net) feature bits by their specification names, for people reading a feature mask. */
final class FeatureNames {
    private static final String[] NAMES = new String[64];

    static {
        String[][] bits = {
            {"0", "CSUM"}, {"1", "GUEST_CSUM"}, {"2", "CTRL_GUEST_OFFLOADS"}, {"3", "MTU"}, {"5", "MAC"},
            {"7", "GUEST_TSO4"}, {"8", "GUEST_TSO6"}, {"9", "GUEST_ECN"}, {"10", "GUEST_UFO"},
            {"11", "HOST_TSO4"}, {"12", "HOST_TSO6"}, {"13", "HOST_ECN"}, {"14", "HOST_UFO"},
            {"15", "MRG_RXBUF"}, {"16", "STATUS"}, {"17", "CTRL_VQ"}, {"18", "CTRL_RX"}, {"19", "CTRL_VLAN"},
            {"21", "GUEST_ANNOUNCE"}, {"22", "MQ"}, {"23", "CTRL_MAC_ADDR"}, {"24", "NOTIFY_ON_EMPTY"},
            {"26", "LOG_ALL"}, {"27", "ANY_LAYOUT"}, {"28", "INDIRECT_DESC"}, {"29", "EVENT_IDX"},
            {"30", "PROTOCOL_FEATURES"}, {"32", "VERSION_1"}, {"33", "ACCESS_PLATFORM"}, {"34", "RING_PACKED"},
            {"35", "IN_ORDER"}, {"36", "ORDER_PLATFORM"}, {"37", "SR_IOV"}, {"38", "NOTIFICATION_DATA"},
        };
        for (String[] b : bits) {
            NAMES[Integer.parseInt(b[0])] = b[1];
        }
    }

    private FeatureNames() {
    }

    /** The names of the bits set in {@code features}, lowest bit first; unnamed bits as {@code bit<N>}. */
    static List<String> of(long features) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((features & (1L << bit)) != 0) {
                out.add(NAMES[bit] != null ? NAMES[bit] : "bit" + bit);
            }
        }
        return out;
    }
}
