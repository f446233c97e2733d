package io.drainwatch.detector.backtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The backtest report as JSON: the same figures as the HTML page, field names as in {@link BacktestReport}. */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    /** {@code report} as an indented JSON document. */
    public static String render(BacktestReport report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the backtest report as JSON", e);
        }
    }

    /** Reads a report written by {@link #render}, for tools and tests. */
    public static BacktestReport parse(String json) {
        try {
            return MAPPER.readValue(json, BacktestReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a backtest report: " + e.getOriginalMessage(), e);
        }
    }
}
