package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bindings} section, entry by entry: {@code {port, queue, channel}} all required, with
 * {@code queue} a {@code rxq<N>}/{@code txq<N>} name and {@code channel} a {@code DEVICE/N} name.
 * Whether the port, queue, device and channel exist, and whether a queue or channel is bound twice,
 * needs the other sections: {@link BindingRules} checks that once everything is read.
 */
final class BindingsReader {

    static final List<String> KEYS = List.of("port", "queue", "channel");

    private BindingsReader() {
    }

    /**
     * One element per list entry, in order: the binding, or {@code null} for an entry with a problem
     * (so indexes stay those of the document). {@code null} instead of a list when the section itself
     * is not a list.
     */
    static List<BindingConfig> read(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        List<BindingConfig> entries = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            entries.add(readBinding(node.get(i), path.index(i), problems));
        }
        return entries;
    }

    private static BindingConfig readBinding(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        Mapping binding = Mapping.of(node, path, problems, KEYS);
        String port = required(binding, "port", problems);
        String queueText = required(binding, "queue", problems);
        QueueRef queue = queueText == null ? null : QueueRef.parse(queueText);
        if (queueText != null && queue == null) {
            problems.add(binding.path("queue"), Nodes.quote(queueText)
                    + " is not a queue name (rxq<N> or txq<N>, N 0..127)");
        }
        String channelText = required(binding, "channel", problems);
        ChannelRef channel = channelText == null ? null : ChannelRef.parse(channelText);
        if (channelText != null && channel == null) {
            problems.add(binding.path("channel"), Nodes.quote(channelText)
                    + " is not a channel name (DEVICE/N, e.g. dma0/0)");
        }
        if (problems.count() != before) {
            return null;
        }
        return new BindingConfig(port, queue, channel.device(), channel.index());
    }

    private static String required(Mapping entry, String key, Problems problems) {
        if (!entry.has(key)) {
            problems.add(entry.path(key), "is required");
            return null;
        }
        return Nodes.string(entry.get(key), entry.path(key), problems);
    }
}
