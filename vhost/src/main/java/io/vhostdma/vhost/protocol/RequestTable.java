package io.vhostdma.vhost.protocol;

import java.util.concurrent.CompletionStage;

/**
 * The dispatch table: request id → handler. Requests that need a feature we never offer (backend
 * channel, IOTLB, config space, inflight, ...) map to the
 * not-negotiated handler; ids missing from the table are unknown. Both close the connection.
 */
final class RequestTable {
    /** One message's handler. */
    @FunctionalInterface
    interface Handler {
        CompletionStage<Reply> handle(VhostUserSession session, Message m);
    }

    private static final int SIZE = 64;
    private static final Handler[] HANDLERS = new Handler[SIZE];

    static {
        HANDLERS[Request.GET_FEATURES] = VhostUserSession::getFeatures;
        HANDLERS[Request.SET_FEATURES] = VhostUserSession::setFeatures;
        HANDLERS[Request.SET_OWNER] = VhostUserSession::setOwner;
        HANDLERS[Request.RESET_OWNER] = VhostUserSession::resetOwner;
        HANDLERS[Request.SET_MEM_TABLE] = VhostUserSession::setMemTable;
        HANDLERS[Request.SET_VRING_NUM] = VhostUserSession::setVringNum;
        HANDLERS[Request.SET_VRING_ADDR] = VhostUserSession::setVringAddr;
        HANDLERS[Request.SET_VRING_BASE] = VhostUserSession::setVringBase;
        HANDLERS[Request.GET_VRING_BASE] = VhostUserSession::getVringBase;
        HANDLERS[Request.SET_VRING_KICK] = VhostUserSession::setVringKick;
        HANDLERS[Request.SET_VRING_CALL] = VhostUserSession::setVringCall;
        HANDLERS[Request.SET_VRING_ERR] = VhostUserSession::setVringErr;
        HANDLERS[Request.GET_PROTOCOL_FEATURES] = VhostUserSession::getProtocolFeatures;
        HANDLERS[Request.SET_PROTOCOL_FEATURES] = VhostUserSession::setProtocolFeatures;
        HANDLERS[Request.GET_QUEUE_NUM] = VhostUserSession::getQueueNum;
        HANDLERS[Request.SET_VRING_ENABLE] = VhostUserSession::setVringEnable;
        HANDLERS[Request.NET_SET_MTU] = VhostUserSession::netSetMtu;
        HANDLERS[Request.SET_STATUS] = VhostUserSession::setStatus;
        HANDLERS[Request.GET_STATUS] = VhostUserSession::getStatus;
        HANDLERS[Request.SET_LOG_BASE] = (s, m) -> s.logs.setLogBase(s, m);
        HANDLERS[Request.SET_LOG_FD] = (s, m) -> s.logs.setLogFd(s, m);
        HANDLERS[Request.SEND_RARP] = VhostUserSession::sendRarp;
        HANDLERS[Request.GET_MAX_MEM_SLOTS] = VhostUserSession::getMaxMemSlots;
        HANDLERS[Request.ADD_MEM_REG] = VhostUserSession::addMemReg;
        HANDLERS[Request.REM_MEM_REG] = VhostUserSession::remMemReg;
        int[] notOffered = {Request.SET_BACKEND_REQ_FD,
            Request.IOTLB_MSG, Request.SET_VRING_ENDIAN, Request.GET_CONFIG, Request.SET_CONFIG,
            Request.GET_INFLIGHT_FD, Request.SET_INFLIGHT_FD, Request.RESET_DEVICE, Request.VRING_KICK};
        for (int r : notOffered) {
            HANDLERS[r] = VhostUserSession::notNegotiated;
        }
    }

    private RequestTable() {
    }

    static Handler handler(int request) {
        Handler h = request > 0 && request < SIZE ? HANDLERS[request] : null;
        return h != null ? h : VhostUserSession::unknown;
    }
}
