package io.drainwatch.detector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.schemas.DrainAlert;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AlertJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anAlertIsOneLineWithTheAvroFieldNamesAfterItsType() throws Exception {
        String line = AlertJson.line("alert", SampleAlerts.alert());
        JsonNode json = MAPPER.readTree(line);

        assertThat(line).doesNotContain("\n");
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        List<String> expected = new ArrayList<>(List.of("type"));
        DrainAlert.getClassSchema().getFields().stream().map(Schema.Field::name).forEach(expected::add);
        assertThat(names).containsExactlyElementsOf(expected);
        assertThat(json.get("type").asText()).isEqualTo("alert");
    }

    @Test
    void decimalsAreExactStringsTimesAreIsoAndEnumsAreSymbols() throws Exception {
        JsonNode json = MAPPER.readTree(AlertJson.line("alert", SampleAlerts.alert()));

        assertThat(json.get("amount").isTextual()).isTrue();
        assertThat(json.get("amount").asText()).isEqualTo(SampleAlerts.HUGE.toPlainString());
        assertThat(json.get("balanceAfter").asText()).isEqualTo("0");
        assertThat(json.get("detectedAt").asText()).isEqualTo("2026-06-04T10:15:02.250Z");
        assertThat(json.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(json.get("status").asText()).isEqualTo("FIRING");
        assertThat(json.get("usdValue").asDouble()).isEqualTo(12345.4);
        assertThat(json.get("chainId").asLong()).isEqualTo(1);
        assertThat(json.get("wallets").get(0).asText()).isEqualTo(SampleAlerts.WALLET);
        assertThat(json.get("thresholds").get("remainingFraction").asText()).isEqualTo("0.01");
    }

    @Test
    void absentOptionalFieldsAreNull() throws Exception {
        DrainAlert alert = DrainAlert.newBuilder(SampleAlerts.alert())
                .setDestination(null)
                .setUsdValue(Double.NaN)
                .build();

        JsonNode json = MAPPER.readTree(AlertJson.line("alert", alert));

        assertThat(json.get("destination").isNull()).isTrue();
        assertThat(json.get("usdValue").isNull()).isTrue();
    }

    @Test
    void anIncidentNestsItsDestinations() throws Exception {
        JsonNode json = MAPPER.readTree(AlertJson.line("incident", SampleAlerts.incident()));

        assertThat(json.get("type").asText()).isEqualTo("incident");
        assertThat(json.get("walletsDrained").asInt()).isEqualTo(37);
        assertThat(json.get("destinations")).hasSize(3);
        assertThat(json.get("destinations").get(0).get("address").asText()).isEqualTo(SampleAlerts.DESTINATION);
        assertThat(json.get("destinations").get(0).get("wallets").asInt()).isEqualTo(30);
        assertThat(json.get("rules").get("balance-drain").asInt()).isEqualTo(37);
        assertThat(json.get("chainIds").get(0).asLong()).isEqualTo(1);
    }
}
