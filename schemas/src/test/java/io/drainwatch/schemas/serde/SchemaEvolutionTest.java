package io.drainwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

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
    void everyReleasedVersionCanBeReadByTheCurrentSchema() {
        for (Schema current : List.of(TransferEvent.getClassSchema(), DrainAlert.getClassSchema())) {
            for (Schema previous : AvroSerde.history(current)) {
                SchemaCompatibilityType result = SchemaCompatibility.checkReaderWriterCompatibility(current, previous)
                        .getType();
                assertThat(result)
                        .as(current.getName() + " reads its earlier version")
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
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
        return java.util.stream.Stream.concat(history.stream(), java.util.stream.Stream.of(current))
                .toList();
    }
}
