package org.mltoolkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/** The JSON the commands print: one pretty-printed document on stdout, keys in snake_case. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Prints {@code node} and a line break on {@code out}. */
    static void print(PrintWriter out, Object node) {
        out.println(text(node));
        out.flush();
    }

    /**
     * {@code node} as pretty-printed JSON text with a final line break. Throws IllegalStateException if Jackson
     * cannot write it, which for the tree nodes the commands build does not happen.
     */
    static String text(Object node) {
        try {
            return MAPPER.writeValueAsString(node) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
