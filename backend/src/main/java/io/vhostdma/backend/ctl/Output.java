package io.vhostdma.backend.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhostdma.backend.events.BackendEvent;
import java.io.PrintStream;
import java.util.function.Supplier;

/** Where a command prints: human text, or the same data as JSON (Jackson on the view records). */
final class Output {
    private final PrintStream out;
    private final boolean json;
    private ObjectMapper mapper; // made on first use: human output needs no Jackson (start-up time)

    Output(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** Prints {@code data} as indented JSON, or the text {@code human} renders. */
    void print(Object data, Supplier<String> human) {
        synchronized (out) {
            out.print(json ? write(data, true) + "\n" : human.get());
            out.flush();
        }
    }

    /** Prints {@code data} as JSON on one line, or the text {@code human} renders. */
    void line(Object data, Supplier<String> human) {
        synchronized (out) {
            out.print(json ? write(data, false) + "\n" : human.get());
            out.flush();
        }
    }

    /** An event as JSON: {@code type} first, then its fields. */
    ObjectNode eventJson(BackendEvent e) {
        ObjectNode node = mapper().createObjectNode();
        node.put("type", e.type());
        node.setAll((ObjectNode) mapper().valueToTree(e));
        return node;
    }

    private synchronized ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        }
        return mapper;
    }

    private String write(Object data, boolean pretty) {
        try {
            return pretty ? mapper().writerWithDefaultPrettyPrinter().writeValueAsString(data)
                    : mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: type=" + data.getClass().getSimpleName(), e);
        }
    }
}
