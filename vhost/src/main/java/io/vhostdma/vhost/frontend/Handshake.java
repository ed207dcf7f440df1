package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import io.vhostdma.vhost.protocol.Request;

/**
 * The setup sequence of DPDK virtio-user (vhost-user-facts §7.2), plus GET_QUEUE_NUM when
 * protocol MQ is negotiated:
 * <pre>
 * GET_FEATURES, GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES, [GET_QUEUE_NUM], SET_OWNER,
 * SET_VRING_CALL × rings, [NET_SET_MTU], SET_FEATURES, [SET_STATUS ACK|DRIVER|FEATURES_OK],
 * SET_MEM_TABLE (NEED_REPLY; ADD_MEM_REG per region with CONFIGURE_MEM_SLOTS), per ring SET_VRING_NUM/BASE/ADDR/KICK,
 * SET_VRING_ENABLE(1) × rings (bit 30), [SET_STATUS ...|DRIVER_OK]
 * </pre>
 */
final class Handshake {
    private static final int STATUS_FEATURES_OK = VirtioFeatures.STATUS_ACKNOWLEDGE | VirtioFeatures.STATUS_DRIVER
            | VirtioFeatures.STATUS_FEATURES_OK;

    private Handshake() {
    }

    static Negotiation run(VhostUserFrontend fe) {
        FrontendOptions o = fe.options();
        ProtocolClient c = fe.client();
        long offered = c.getU64(Request.GET_FEATURES);
        long offeredProto = 0;
        long proto = 0;
        if ((offered & VirtioNetFeatures.PROTOCOL_FEATURES) != 0) {
            offeredProto = c.getU64(Request.GET_PROTOCOL_FEATURES);
            proto = (o.protocolFeatures() | (o.mtu() > 0 ? ProtocolFeatures.bit(ProtocolFeatures.MTU) : 0L)) & offeredProto;
            c.sendU64(Request.SET_PROTOCOL_FEATURES, proto, false);
            c.setReplyAck((proto & ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK)) != 0);
        }
        long queueNum = 0;
        if ((proto & ProtocolFeatures.bit(ProtocolFeatures.MQ)) != 0) {
            queueNum = c.getU64(Request.GET_QUEUE_NUM);
        }
        checkQueuePairs(o, offered, queueNum);
        c.sendEmpty(Request.SET_OWNER);
        for (int i = 0; i < o.ringCount(); i++) {
            c.sendVringFd(Request.SET_VRING_CALL, i, fe.ring(i).callFd());
        }
        long acked = (o.requestedFeatures() & offered & ~VirtioNetFeatures.PROTOCOL_FEATURES)
                | (offered & VirtioNetFeatures.PROTOCOL_FEATURES);
        sendMtu(c, o, acked, proto);
        c.sendU64(Request.SET_FEATURES, acked, false);
        boolean status = (proto & ProtocolFeatures.bit(ProtocolFeatures.STATUS)) != 0;
        if (status) {
            c.sendU64(Request.SET_STATUS, STATUS_FEATURES_OK, true);
        }
        if ((proto & ProtocolFeatures.bit(ProtocolFeatures.CONFIGURE_MEM_SLOTS)) != 0) {
            for (int i = 0; i < fe.memory().regionCount(); i++) {
                c.sendMemRegion(true, fe.memory(), i, true); // as QEMU once memory slots are negotiated
            }
        } else {
            c.sendMemTable(fe.memory(), true);
        }
        Negotiation n = new Negotiation(offered, acked, offeredProto, proto, queueNum);
        fe.configureQueues(n);
        for (int i = 0; i < o.ringCount(); i++) {
            DriverVirtqueue q = fe.ring(i);
            c.sendVringState(Request.SET_VRING_NUM, i, q.size(), false);
            c.sendVringState(Request.SET_VRING_BASE, i, q.initialBase(), false);
            c.sendVringAddr(q, false);
            c.sendVringFd(Request.SET_VRING_KICK, i, q.kickFd());
        }
        if ((acked & VirtioNetFeatures.PROTOCOL_FEATURES) != 0) {
            for (int i = 0; i < o.ringCount(); i++) {
                c.sendVringState(Request.SET_VRING_ENABLE, i, 1, false);
            }
        }
        if (status) {
            c.sendU64(Request.SET_STATUS, STATUS_FEATURES_OK | VirtioFeatures.STATUS_DRIVER_OK, true);
        }
        return n;
    }

    /** NET_SET_MTU when MTU was acked and the MTU protocol feature negotiated (QEMU's order: before SET_FEATURES). */
    private static void sendMtu(ProtocolClient c, FrontendOptions o, long acked, long proto) {
        if ((acked & VirtioNetFeatures.MTU) != 0 && (proto & ProtocolFeatures.bit(ProtocolFeatures.MTU)) != 0) {
            c.sendU64(Request.NET_SET_MTU, o.mtu(), true);
        }
    }

    private static void checkQueuePairs(FrontendOptions o, long offered, long queueNum) {
        if (o.queuePairs() > 1 && (offered & VirtioNetFeatures.MQ) == 0) {
            throw new FrontendException("back end does not offer MQ: queuePairs=" + o.queuePairs()
                    + " offeredFeatures=0x" + Long.toHexString(offered));
        }
        if (queueNum != 0 && o.queuePairs() > queueNum) {
            throw new FrontendException("back end supports fewer queue pairs: queuePairs=" + o.queuePairs()
                    + " maxQueuePairs=" + queueNum);
        }
    }
}
