package io.drainwatch.detector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Alerts and incidents as JSON objects for scripts: the Avro field names, exact decimals as strings,
 * timestamps as ISO-8601 strings, enums as their symbols, and a {@code type} field first.
 */
public final class AlertJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AlertJson() {}

    /** {@code record} as one JSON line (no line break) with {@code "type": type} in front. */
    public static String line(String type, IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        node.put("type", type);
        node.setAll(object(record));
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.getSchema().getName() + " as JSON", e);
        }
    }

    private static ObjectNode object(IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), value(record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode value(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case IndexedRecord nested -> object(nested);
            case CharSequence text -> NODES.textNode(text.toString());
            case BigDecimal exact -> NODES.textNode(exact.toPlainString());
            case Instant instant -> NODES.textNode(instant.toString());
            case Enum<?> symbol -> NODES.textNode(symbol.name());
            case GenericEnumSymbol<?> symbol -> NODES.textNode(symbol.toString());
            case Boolean flag -> NODES.booleanNode(flag);
            case Integer number -> NODES.numberNode(number);
            case Long number -> NODES.numberNode(number);
            // JSON has no NaN or infinity: an unknown value is null rather than invalid output
            case Double number -> Double.isFinite(number) ? NODES.numberNode(number) : NODES.nullNode();
            case Float number -> Float.isFinite(number) ? NODES.numberNode(number) : NODES.nullNode();
            case List<?> items -> {
                ArrayNode array = NODES.arrayNode();
                items.forEach(item -> array.add(value(item)));
                yield array;
            }
            case Map<?, ?> entries -> {
                ObjectNode map = NODES.objectNode();
                entries.forEach((k, v) -> map.set(String.valueOf(k), value(v)));
                yield map;
            }
            default -> NODES.textNode(value.toString());
        };
    }
}
