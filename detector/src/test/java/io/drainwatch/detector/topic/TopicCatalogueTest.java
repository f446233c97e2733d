package io.drainwatch.detector.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.refdata.AllowlistFile;
import io.drainwatch.detector.refdata.ImportMode;
import io.drainwatch.detector.refdata.LabelFile;
import io.drainwatch.detector.refdata.PriceFile;
import io.drainwatch.detector.refdata.ReferenceFileParser;
import io.drainwatch.detector.refdata.ReferenceFormat;
import io.drainwatch.detector.refdata.ReferenceRecord;
import io.drainwatch.detector.refdata.SignedTxFile;
import io.drainwatch.detector.refdata.WalletFile;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {
    private static final String A = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
    private static final String TX = "0x" + "ab".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-04T00:00:00Z");
    private static final TopicCatalogue CATALOGUE = TopicCatalogue.defaults();

    @Test
    void everyTopicButTheDeadLetterIsTypedAndItsCleanupIsTheOneTopicsCreateUses() {
        Topics names = Topics.defaults();
        List<String> typed = new java.util.ArrayList<>(names.streams());
        typed.remove(names.deadLetter());
        typed.addAll(names.compacted());
        assertThat(CATALOGUE.all()).extracting(Topic::name).containsExactlyInAnyOrderElementsOf(typed);
        for (Topic<?> t : CATALOGUE.all()) {
            assertThat(t.compacted()).as(t.name()).isEqualTo(names.compacted().contains(t.name()));
            assertThat(CATALOGUE.of(t.type())).as("the topic of %s", t.type()).isSameAs(t);
        }
        assertThat(CATALOGUE.deadLetter()).isEqualTo("drainwatch.dead-letter");
    }

    @Test
    void overriddenNamesCarryTheSameTypesAndKeys() {
        TopicCatalogue eth = TopicCatalogue.of(Topics.from(Map.of("topic.transfers", "eth.transfers")));
        assertThat(eth.transfers().name()).isEqualTo("eth.transfers");
        assertThat(eth.transfers().keyFormat()).isEqualTo(CATALOGUE.transfers().keyFormat());
        assertThat(eth.wallets().name()).isEqualTo("drainwatch.wallets");
    }

    @Test
    void keysAreBuiltAndParsedInOnePlace() {
        assertThat(Keys.address(1, A)).isEqualTo("1:" + A);
        assertThat(Keys.everyChain(A)).isEqualTo("*:" + A);
        assertThat(Keys.allowed(10, A, Keys.EVERY_GROUP)).isEqualTo("10:" + A + "/*");
        assertThat(Keys.price(1, "native")).isEqualTo("1:native");
        assertThat(Keys.signed(8453, TX)).isEqualTo("8453:" + TX);
        assertThat(Keys.chain(31337)).isEqualTo("31337");
        assertThat(Keys.chainOf("8453:" + A)).isEqualTo(8453);
        assertThat(Keys.subjectOf("8453:" + A)).isEqualTo(A);
        assertThatThrownBy(() -> Keys.chainOf("*:" + A)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.chainOf(A)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The import writes a row under the key made from its columns; the detector and the demo key the same
     * record by its value: both must name the same record, or a delete row would miss what an upsert wrote.
     */
    @Test
    void theKeyOfAnImportedRowIsTheTopicsKeyOfItsValue() throws Exception {
        sameKeys(new WalletFile(), CATALOGUE.wallets(), "chain_id,address,custody_group\n1," + A + ",retail\n");
        sameKeys(
                new AllowlistFile(),
                CATALOGUE.allowlist(),
                "chain_id,address,custody_group,kind,note\n1," + A + ",*,own-hot,\n1," + A + ",retail,exchange,\n");
        sameKeys(
                new LabelFile(),
                CATALOGUE.labels(),
                "address,category,source,chain_id\n" + A + ",mixer,ofac,\n" + A + ",drainer,intel,10\n");
        sameKeys(new PriceFile(NOW), CATALOGUE.prices(), "chain_id,asset,usd_price,decimals\n1,native,3000,18\n");
        sameKeys(new SignedTxFile(NOW), CATALOGUE.signedTx(), "chain_id,tx_hash\n1," + TX + "\n");
    }

    private static <V extends SpecificRecord> void sameKeys(ReferenceFormat<V> format, Topic<V> topic, String csv)
            throws Exception {
        List<ReferenceRecord<V>> rows = new ReferenceFileParser<>(format)
                .parse("file.csv", new StringReader(csv), ImportMode.UPSERT)
                .accepted();
        assertThat(rows).as(topic.name()).isNotEmpty();
        for (ReferenceRecord<V> row : rows) {
            V value = row.value().orElseThrow();
            assertThat(topic.key(value)).as("%s key of %s", topic.name(), value).isEqualTo(row.key());
            ProducerRecord<String, byte[]> record = topic.record(value);
            assertThat(record.topic()).isEqualTo(topic.name());
            assertThat(record.key()).isEqualTo(row.key());
            assertThat(topic.decode(record.value())).isEqualTo(value);
        }
    }
}
