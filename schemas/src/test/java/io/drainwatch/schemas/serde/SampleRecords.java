package io.drainwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Field;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Records of any schema version filled with a distinct non-default value in every field (the
 * non-null branch of every union, one element in every array and map), written and read with Avro's
 * generic model as a consumer without the generated classes would, and a check that a record read
 * with another schema carries what was written.
 */
final class SampleRecords {

    /** Generic model with the logical-type conversions the generated classes use. */
    static final GenericData MODEL = new GenericData();

    static {
        MODEL.addLogicalTypeConversion(new Conversions.DecimalConversion());
        MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    private int counter;

    /** A record of {@code schema} with a different value in every field. */
    GenericRecord record(Schema schema) {
        return (GenericRecord) value(schema, schema.getName());
    }

    /** {@code record} in single-object encoding with its own schema as the writer schema. */
    static byte[] write(GenericRecord record) {
        try {
            return bytes(new BinaryMessageEncoder<GenericRecord>(MODEL, record.getSchema()).encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads single-object encoded {@code bytes} written with {@code writer} as {@code reader}. */
    static GenericRecord read(byte[] bytes, Schema reader, Schema writer) {
        BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(MODEL, reader);
        decoder.addSchema(writer);
        try {
            return decoder.decode(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks that {@code read}, a record resolved to {@code reader}, holds every value of {@code
     * written} that the reader has a field for, and the reader's default for every field the writer
     * did not have.
     */
    static void assertCarries(Schema reader, IndexedRecord written, IndexedRecord read) {
        assertValue(reader, plain(written), plain(read), reader.getName());
    }

    private Object value(Schema schema, String path) {
        int n = ++counter;
        if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            return new BigDecimal(BigInteger.TEN.pow(30).add(BigInteger.valueOf(n)), decimal.getScale());
        }
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return Instant.ofEpochMilli(1_718_000_000_000L + n);
        }
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Field field : schema.getFields()) {
                    record.put(field.pos(), value(field.schema(), path + "." + field.name()));
                }
                yield record;
            }
            case ENUM ->
                new GenericData.EnumSymbol(
                        schema,
                        schema.getEnumSymbols().get(n % schema.getEnumSymbols().size()));
            case ARRAY -> new GenericData.Array<>(schema, List.of(value(schema.getElementType(), path + "[0]")));
            case MAP -> Map.of(path + "-key", value(schema.getValueType(), path + "{}"));
            case UNION ->
                value(
                        schema.getTypes().stream()
                                .filter(t -> t.getType() != Schema.Type.NULL)
                                .findFirst()
                                .orElseThrow(),
                        path);
            case STRING -> path + "-" + n;
            case BYTES -> ByteBuffer.wrap(new byte[] {(byte) n, 1, 2});
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case INT -> 1_000 + n;
            case LONG -> 1_000_000_000_000L + n;
            case FLOAT -> n + 0.5f;
            case DOUBLE -> n + 0.25;
            case BOOLEAN -> n % 2 == 0;
            case NULL -> null;
        };
    }

    /** Generated and generic values as plain Java values, so the two can be compared. */
    private static Object plain(Object value) {
        if (value instanceof IndexedRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Field field : record.getSchema().getFields()) {
                fields.put(field.name(), plain(record.get(field.pos())));
            }
            return fields;
        }
        if (value instanceof GenericEnumSymbol<?> || value instanceof Enum<?> || value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>();
            items.forEach(item -> list.add(plain(item)));
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> plain = new LinkedHashMap<>();
            map.forEach((k, v) -> plain.put(k.toString(), plain(v)));
            return plain;
        }
        if (value instanceof ByteBuffer buffer) {
            return HexFormat.of().formatHex(bytes(buffer.duplicate()));
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static void assertValue(Schema reader, Object written, Object read, String path) {
        switch (reader.getType()) {
            case RECORD -> {
                Map<String, Object> writtenFields = (Map<String, Object>) written;
                Map<String, Object> readFields = (Map<String, Object>) read;
                for (Field field : reader.getFields()) {
                    String fieldPath = path + "." + field.name();
                    if (writtenFields.containsKey(field.name())) {
                        assertValue(
                                field.schema(),
                                writtenFields.get(field.name()),
                                readFields.get(field.name()),
                                fieldPath);
                    } else {
                        assertThat(readFields.get(field.name()))
                                .as(fieldPath + " (not written) takes its default")
                                .isEqualTo(plain(MODEL.getDefaultValue(field)));
                    }
                }
            }
            case UNION -> {
                if (written == null) {
                    assertThat(read).as(path).isNull();
                } else {
                    Schema branch = reader.getTypes().stream()
                            .filter(t -> t.getType() != Schema.Type.NULL)
                            .findFirst()
                            .orElseThrow();
                    assertValue(branch, written, read, path);
                }
            }
            case ARRAY -> {
                List<Object> writtenItems = (List<Object>) written;
                List<Object> readItems = (List<Object>) read;
                assertThat(readItems).as(path).hasSameSizeAs(writtenItems);
                for (int i = 0; i < writtenItems.size(); i++) {
                    assertValue(reader.getElementType(), writtenItems.get(i), readItems.get(i), path + "[" + i + "]");
                }
            }
            case MAP -> {
                Map<String, Object> writtenEntries = (Map<String, Object>) written;
                Map<String, Object> readEntries = (Map<String, Object>) read;
                assertThat(readEntries.keySet()).as(path).isEqualTo(writtenEntries.keySet());
                writtenEntries.forEach(
                        (k, v) -> assertValue(reader.getValueType(), v, readEntries.get(k), path + "{" + k + "}"));
            }
            case ENUM -> {
                String expected =
                        reader.getEnumSymbols().contains(written) ? (String) written : reader.getEnumDefault();
                assertThat(read)
                        .as(path + " (a symbol the reader lacks reads as its default)")
                        .isEqualTo(expected);
            }
            default -> {
                if (written instanceof BigDecimal decimal) {
                    assertThat((BigDecimal) read).as(path).isEqualByComparingTo(decimal);
                } else {
                    assertThat(read).as(path).isEqualTo(written);
                }
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
