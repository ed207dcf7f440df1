package io.vhostdma.backend.dma;

/** The DMA section of the config cannot be brought up (unknown engine, device refused its settings). */
public final class DmaSetupException extends RuntimeException {
    public DmaSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
