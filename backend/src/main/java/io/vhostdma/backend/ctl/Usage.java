package io.vhostdma.backend.ctl;

/** The usage text of vhostctl. */
final class Usage {
    private Usage() {
    }

    static final String TEXT = """
            usage: vhostctl [--socket PATH | --addr HOST:PORT [--token-file FILE|-]] [--json] COMMAND [ARGS]
              status                                  version, uptime, workers
              ports                                   every port
              port NAME                               one port: features, group, memory regions
              queues [PORT]                           every queue (of PORT) with its counters
              stats [--watch [SECONDS]]               per-queue totals and rates (--watch: refresh until interrupted)
              dma                                     DMA channels, their bindings and counters
              bind PORT QUEUE DEV/CH                  bind (or move) a queue to a DMA channel
              unbind PORT QUEUE                       return a queue to CPU copies
              groups                                  access groups and members
              join PORT GROUP --token-file FILE|-     join a port to an access group (the group's token)
              leave PORT GROUP --token-file FILE|-    take a port out of an access group
              create-group GROUP CREATOR --token-file FILE|-
                                                      create an access group with its first member
              add-port NAME SOCKET [--client] [--queue-pairs N] [--socket-mode MODE] [--socket-group GROUP]
                                                      add a port live (server mode unless --client); SOCKET
                                                      directly in vhostd's runtime dir or a socket-dirs entry
              remove-port NAME                        remove a port live
              events [--count N]                      stream events until interrupted (or N events)
            options:
              --socket PATH      vhostd's management socket (default $VHOSTCTL_SOCKET, else vhostd.sock in the
                                 runtime dir: $RUNTIME_DIRECTORY, $XDG_RUNTIME_DIR/vhostd or /tmp/vhostd-UID;
                                 read commands use vhostd-ro.sock there when only that one is accessible)
              --addr HOST:PORT   vhostd's TCP endpoint (management.grpc) instead of a socket
              --token-file FILE  with --addr: the management token (- reads stdin); reads work without it
              --json             machine-readable JSON (events and stats --watch: one JSON value per line)
              --help             this text
            tokens are never taken on the command line (other users see it in ps): FILE, or - for stdin
            exit codes: 0 ok, 1 error (refused by vhostd, or vhostd unreachable), 2 usage""";
}
