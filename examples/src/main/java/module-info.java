/**
 * Examples built on the public API only: the reactive echo back end.
 */
module io.vhostdma.examples {
    requires io.vhostdma.backend;
    requires jdk.unsupported; // sun.misc.Signal: the echo stops on Ctrl-C

    exports io.vhostdma.examples.echo;
}
