package io.vhostdma.backend.ctl;

/** The usage text of vhostctl. */
final class Usage {
    private Usage() {
    }

    static final String TEXT = """
            usage: vhostctl [--addr HOST:PORT] [--json] COMMAND [ARGS]
              status                                  version, uptime, workers
              ports                                   every port
              port NAME                               one port: features, group, memory regions
              queues [PORT]                           every queue (of PORT) with its counters
              stats [--watch [SECONDS]]               per-queue totals and rates (--watch: refresh until interrupted)
              dma                                     DMA channels, their bindings and counters
              bind PORT QUEUE DEV/CH                  bind (or move) a queue to a DMA channel
              unbind PORT QUEUE                       return a queue to CPU copies
              groups                                  access groups and members
              join PORT GROUP TOKEN                   join a port to an access group
              leave PORT GROUP                        take a port out of an access group
              create-group GROUP TOKEN CREATOR        create an access group with its first member
              add-port NAME SOCKET [--client] [--queue-pairs N] [--socket-mode MODE]
                                                      add a port live (server mode unless --client)
              remove-port NAME                        remove a port live
              events [--count N]                      stream events until interrupted (or N events)
            options:
              --addr HOST:PORT   vhostd's gRPC address (default $VHOSTCTL_ADDR, else 127.0.0.1:50051)
              --json             machine-readable JSON (events and stats --watch: one JSON value per line)
              --help             this text
            exit codes: 0 ok, 1 error (refused by vhostd, or vhostd unreachable), 2 usage""";
}
