package io.drainwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import io.drainwatch.schemas.serde.ReleasedSchemas.Current;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {

    private final AvroSerde<TransferEvent> serde = AvroSerde.of(TransferEvent.class);

    @Test
    void readsTransferWrittenWithPreviousSchema() throws IOException {
        List<Schema> history = AvroSerde.history(TransferEvent.getClassSchema());
        assertThat(history).as("released TransferEvent versions").isNotEmpty();
        Schema v1 = history.get(0);
        assertThat(v1.getField("recipientFresh"))
                .as("v1 predates recipientFresh")
                .isNull();

        GenericRecord old = new GenericData.Record(v1);
        old.put("chainId", 1L);
        old.put("from", "0x00000000000000000000000000000000000000aa");
        old.put("to", "0x00000000000000000000000000000000000000bb");
        old.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "ERC20"));
        old.put("asset", "0x00000000000000000000000000000000000000cc");
        old.put(
                "amount",
                ByteBuffer.wrap(
                        new BigDecimal("1000000000000000000000").unscaledValue().toByteArray()));
        old.put("eventId", "1:0xb:0xt:3");
        old.put("txHash", "0xt");
        old.put("blockNumber", 19_000_000L);
        old.put("blockHash", "0xb");
        old.put("blockTime", 1_718_000_000_000L);
        old.put("logIndex", 3);
        old.put("removed", false);
        byte[] written = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

        TransferEvent read = serde.decode(written);

        assertThat(read.getKind()).isEqualTo(TransferKind.ERC20);
        assertThat(read.getAmount()).isEqualByComparingTo("1000000000000000000000");
        assertThat(read.getBlockTime()).isEqualTo(Instant.ofEpochMilli(1_718_000_000_000L));
        assertThat(read.getRecipientFresh()).as("added field takes its default").isNull();
        assertThat(read.getTxFrom()).isNull();
    }

    @Test
    void everySchemaHasItsCurrentVersionAsItsLatestReleasedVersion() {
        List<Current> schemas = ReleasedSchemas.current();
        assertThat(schemas)
                .as("schemas found in " + ReleasedSchemas.SOURCES.toAbsolutePath())
                .extracting(Current::name)
                .contains("TransferEvent", "DrainAlert", "Severity");
        for (Current schema : schemas) {
            List<Schema> history = schema.history();
            String record = schema.file() + " changed or added without recording it: copy it, with the shared types it"
                    + " uses written inline, to " + ReleasedSchemas.HISTORY + "/" + schema.name() + ".v"
                    + (history.size() + 1) + ".avsc";
            assertThat(history).as(record).isNotEmpty();
            assertThat(history.getLast()).as(record).isEqualTo(schema.schema());
            for (int v = 1; v <= history.size(); v++) {
                assertThat(history.get(v - 1).getFullName())
                        .as(schema.name() + ".v" + v + ".avsc holds that schema")
                        .isEqualTo(schema.schema().getFullName());
                if (v > 1) {
                    assertThat(history.get(v - 1))
                            .as(schema.name() + ".v" + v + ".avsc differs from v" + (v - 1))
                            .isNotEqualTo(history.get(v - 2));
                }
            }
        }
    }

    @Test
    void everyHistoryFileIsNamedForItsSchemaAndNumberedWithoutGaps() {
        // The serde reads v1, v2, ... up to the first missing number: a file after a gap would be ignored.
        Map<String, Integer> versions = ReleasedSchemas.current().stream()
                .collect(Collectors.toMap(Current::name, s -> s.history().size()));
        Pattern name = Pattern.compile("(\\w+)\\.v(\\d+)\\.avsc");
        for (String file : ReleasedSchemas.historyFiles()) {
            Matcher matcher = name.matcher(file);
            assertThat(matcher.matches())
                    .as(file + " is named <Schema>.v<N>.avsc")
                    .isTrue();
            assertThat(versions)
                    .as(file + " belongs to a schema in src/main/avro")
                    .containsKey(matcher.group(1));
            assertThat(Integer.parseInt(matcher.group(2)))
                    .as(file + " is read by the serde (versions start at 1, without gaps)")
                    .isBetween(1, versions.get(matcher.group(1)));
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("releasedVersions")
    void currentSchemaReadsRecordsWrittenWithEveryReleasedVersion(Current schema, int version) {
        Schema released = schema.history().get(version - 1);
        assertCompatible(schema.schema(), released, "the current " + schema + " reads v" + version);
        if (!SpecificRecord.class.isAssignableFrom(schema.generatedClass())) {
            return;
        }
        AvroSerde<SpecificRecord> serde = serde(schema);
        GenericRecord old = new SampleRecords().record(released);

        SpecificRecord read = serde.decode(SampleRecords.write(old));

        SampleRecords.assertCarries(serde.schema(), old, read);
        assertThat(serde.decode(serde.encode(read))).isEqualTo(read);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("releasedVersions")
    void everyReleasedVersionReadsRecordsWrittenWithTheCurrentSchema(Current schema, int version) {
        // Downstream consumers upgrade after drainwatch: every topic's schema promises that a reader of
        // any released version resolves what the current version writes.
        Schema released = schema.history().get(version - 1);
        assertCompatible(released, schema.schema(), "v" + version + " of " + schema + " reads the current version");
        if (!SpecificRecord.class.isAssignableFrom(schema.generatedClass())) {
            return;
        }
        AvroSerde<SpecificRecord> serde = serde(schema);
        GenericRecord sample = new SampleRecords().record(serde.schema());
        byte[] written = serde.encode(serde.decode(SampleRecords.write(sample)));

        GenericRecord read = SampleRecords.read(written, released, serde.schema());

        SampleRecords.assertCarries(released, sample, read);
    }

    static Stream<Arguments> releasedVersions() {
        return ReleasedSchemas.current().stream()
                .flatMap(schema -> IntStream.rangeClosed(1, schema.history().size())
                        .mapToObj(version -> Arguments.of(schema, version)));
    }

    private static void assertCompatible(Schema reader, Schema writer, String what) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertThat(result.getType())
                .as(what + ": "
                        + result.getResult().getIncompatibilities().stream()
                                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                                .toList())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @SuppressWarnings("unchecked")
    private static AvroSerde<SpecificRecord> serde(Current schema) {
        return AvroSerde.of((Class<SpecificRecord>) schema.generatedClass());
    }

    @Test
    void transferKeepsChainFromAndToAsItsFirstFieldsInEveryVersion() {
        // The detector's filter reads these three fields straight from the bytes.
        for (Schema version :
                concat(AvroSerde.history(TransferEvent.getClassSchema()), TransferEvent.getClassSchema())) {
            assertThat(version.getFields().subList(0, 3))
                    .extracting(Schema.Field::name)
                    .containsExactly("chainId", "from", "to");
        }
    }

    @Test
    void roundTripsCurrentVersion() {
        TransferEvent event = sample();
        assertThat(serde.decode(serde.encode(event))).isEqualTo(event);
    }

    @Test
    void garbageFailsWithSerializationExceptionNamingTheType() {
        assertThatThrownBy(() -> serde.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("TransferEvent");
    }

    static TransferEvent sample() {
        return TransferEvent.newBuilder()
                .setChainId(1)
                .setFrom("0x00000000000000000000000000000000000000aa")
                .setTo("0x00000000000000000000000000000000000000bb")
                .setKind(TransferKind.NATIVE)
                .setAsset("native")
                .setAmount(new BigDecimal(
                        "115792089237316195423570985008687907853269984665640564039457584007913129639935"))
                .setEventId("1:0xb:0xt:native")
                .setTxHash("0xt")
                .setBlockNumber(1)
                .setBlockHash("0xb")
                .setBlockTime(Instant.ofEpochMilli(1_000))
                .setRecipientFresh(true)
                .build();
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static List<Schema> concat(List<Schema> history, Schema current) {
        return Stream.concat(history.stream(), Stream.of(current)).toList();
    }
}
