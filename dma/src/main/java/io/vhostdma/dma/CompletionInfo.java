package io.vhostdma.dma;

/**
 * Caller-owned, reusable result holder for {@link DmaChannel#completed} and
 * {@link DmaChannel#completedStatus}, so that polling allocates nothing.
 */
public final class CompletionInfo {
    /** Ring index (0..65535) of the last operation reported completed; 65535 before the first one. */
    public int lastIndex;
    /** Whether the poll met a failed operation. */
    public boolean hasError;

    @Override
    public String toString() {
        return "CompletionInfo[lastIndex=" + lastIndex + ", hasError=" + hasError + "]";
    }
}
